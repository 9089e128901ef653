package dev.pgroll4j.spring.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;
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
 * {@code force=true} overrides), or objects the engine did not create are in the way of what complete or rollback
 * drops (listed under {@code objects}), 400 for an unknown action, with the reason in the body.
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
	public WebEndpointResponse<Object> perform(@Selector String action, @Nullable Boolean force) {
		try {
			return new WebEndpointResponse<>(this.endpoint.perform(PgrollEndpoint.Action.of(action), force));
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
