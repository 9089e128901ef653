package dev.pgroll4j.spring.actuate;

import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.pgroll4j.core.ForeignObjectsException;
import dev.pgroll4j.core.InstancesStillLiveException;
import dev.pgroll4j.core.MigrationStateException;

/**
 * HTTP status codes for the write operations: 409 when there is no active migration, another process is migrating,
 * live instances still use the version schema complete or rollback would drop (listed under {@code instances};
 * {@code /actuator/pgroll/complete/force} overrides), or objects the engine did not create are in the way of what
 * complete or rollback drops (listed under {@code objects}), 400 for an unknown action or mode, with the reason in
 * the body.
 */
@EndpointWebExtension(endpoint = PgrollEndpoint.class)
public class PgrollEndpointWebExtension {

	private final PgrollEndpoint endpoint;

	public PgrollEndpointWebExtension(PgrollEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Runs an action, answering 400 for one the endpoint does not know.
	 * @param action the action's name in the path, taken as it is so that an unknown one is answered like a
	 * refused one (with the reason under {@code error}), not with Boot's conversion error
	 */
	@WriteOperation
	public WebEndpointResponse<Object> perform(@Selector String action) {
		return answer(() -> this.endpoint.perform(PgrollEndpoint.Action.of(action)));
	}

	/**
	 * Runs complete or rollback although live instances use the version schema it drops
	 * ({@code /actuator/pgroll/complete/force}).
	 */
	@WriteOperation
	public WebEndpointResponse<Object> performForced(@Selector String action, @Selector String mode) {
		return answer(
				() -> this.endpoint.performForced(PgrollEndpoint.Action.of(action), PgrollEndpoint.Mode.of(mode)));
	}

	private static WebEndpointResponse<Object> answer(Supplier<Object> operation) {
		try {
			return new WebEndpointResponse<>(operation.get());
		}
		catch (InstancesStillLiveException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage(), "versionSchema", ex.versionSchema(),
					"instances", ex.instances()), 409);
		}
		catch (ForeignObjectsException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage(), "objects", ex.objects()), 409);
		}
		catch (MigrationStateException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), 409);
		}
		catch (InvalidEndpointRequestException ex) {
			return new WebEndpointResponse<>(Map.of("error", ex.getMessage()), WebEndpointResponse.STATUS_BAD_REQUEST);
		}
	}

}
