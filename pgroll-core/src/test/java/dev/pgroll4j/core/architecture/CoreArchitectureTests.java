package dev.pgroll4j.core.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import dev.pgroll4j.core.operations.OperationContext;
import dev.pgroll4j.core.operations.ValidationContext;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of core, pinned so it cannot rot: the API and model packages at the top, operations above the SQL
 * text helpers, the engine's internals below, no cycles between packages and no Spring.
 */
@AnalyzeClasses(packages = "dev.pgroll4j.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTests {

	/** Every package below the root is its own slice; the root (the API facade) is checked by the rules below. */
	@ArchTest
	static final ArchRule packagesFormNoCycles = slices().matching("dev.pgroll4j.core.(**)")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule operationsDoNotReachIntoTheEngine = noClasses().that()
		.resideInAnyPackage("dev.pgroll4j.core.operations..", "dev.pgroll4j.core.migration..",
				"dev.pgroll4j.core.schema..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.pgroll4j.core.internal..");

	@ArchTest
	static final ArchRule sqlTextIsALeaf = classes().that()
		.resideInAPackage("dev.pgroll4j.core.sql..")
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage("dev.pgroll4j.core.sql..", "java..", "org.jspecify..");

	@ArchTest
	static final ArchRule onlyTheFacadeOfTheApiPackageUsesTheEngine = noClasses().that()
		.resideInAPackage("dev.pgroll4j.core")
		.and()
		.doNotHaveSimpleName("Pgroll")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.pgroll4j.core.internal..");

	/** Operations are driven by the engine's verbs alone; the rest of the internals know nothing of them. */
	@ArchTest
	static final ArchRule onlyTheEngineDrivesOperations = noClasses().that()
		.resideInAPackage("dev.pgroll4j.core.internal..")
		.and()
		.resideOutsideOfPackage("dev.pgroll4j.core.internal.engine..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.pgroll4j.core.operations..");

	/** The contexts an operation validates, starts, completes and rolls back through are the engine's. */
	@ArchTest
	static final ArchRule phaseContextsAreImplementedByTheEngine = classes().that()
		.implement(OperationContext.class)
		.or()
		.implement(ValidationContext.class)
		.should()
		.resideInAPackage("dev.pgroll4j.core.internal.engine");

	@ArchTest
	static final ArchRule coreKnowsNothingOfSpring = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework..");

}
