package dev.pgroll4j.spring;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * How the starter's packages may depend on each other: the runtime types ({@code dev.pgroll4j.spring}) and
 * pinning know nothing of the auto-configuration, which only Spring Boot refers to; the actuator endpoint, health
 * and metrics use the runtime types and the core's API only; and no package is part of a cycle.
 */
@AnalyzeClasses(packages = "dev.pgroll4j.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	private static final String RUNTIME = "dev.pgroll4j.spring";

	private static final String AUTOCONFIGURE = "dev.pgroll4j.spring.autoconfigure..";

	private static final String CORE = "dev.pgroll4j.core..";

	@ArchTest
	static final ArchRule noPackageIsPartOfACycle = slices().assignedFrom(new EachPackage())
		.should()
		.beFreeOfCycles();

	/** Also keeps actuate, health and metrics, which Boot auto-configures separately, off the auto-configuration. */
	@ArchTest
	static final ArchRule onlyTheAutoConfigurationUsesTheAutoConfiguration = noClasses().that()
		.resideOutsideOfPackage(AUTOCONFIGURE)
		.should()
		.dependOnClassesThat()
		.resideInAPackage(AUTOCONFIGURE)
		.because("only Spring Boot refers to the auto-configuration, through META-INF/spring/*.imports and "
				+ "META-INF/spring.factories");

	@ArchTest
	static final ArchRule theEndpointUsesTheRuntimeTypesAndTheCoreOnly = usesTheRuntimeTypesAndTheCoreOnly(
			"dev.pgroll4j.spring.actuate..");

	@ArchTest
	static final ArchRule theHealthIndicatorUsesTheRuntimeTypesAndTheCoreOnly = usesTheRuntimeTypesAndTheCoreOnly(
			"dev.pgroll4j.spring.health..");

	@ArchTest
	static final ArchRule theMetricsUseTheRuntimeTypesAndTheCoreOnly = usesTheRuntimeTypesAndTheCoreOnly(
			"dev.pgroll4j.spring.metrics..");

	@ArchTest
	static final ArchRule nothingUsesTheCoresInternals = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("dev.pgroll4j.core.internal..")
		.because("the core's internal package is not its API and changes without notice");

	private static ArchRule usesTheRuntimeTypesAndTheCoreOnly(String packageIdentifier) {
		DescribedPredicate<JavaClass> otherPgrollClasses = resideInAPackage("dev.pgroll4j..")
			.and(not(resideInAnyPackage(packageIdentifier, RUNTIME, CORE)));
		return noClasses().that()
			.resideInAPackage(packageIdentifier)
			.should()
			.dependOnClassesThat(otherPgrollClasses.as("are pgroll classes outside " + RUNTIME + " and " + CORE));
	}

	/** Each package of the starter a slice of its own, so that a cycle between any two packages shows. */
	private static final class EachPackage implements SliceAssignment {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
			String name = javaClass.getPackageName();
			return (name.equals(RUNTIME) || name.startsWith(RUNTIME + ".")) ? SliceIdentifier.of(name)
					: SliceIdentifier.ignore();
		}

		@Override
		public String getDescription() {
			return "each package of " + RUNTIME;
		}

	}

}
