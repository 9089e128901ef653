package dev.pgroll4j.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.pgroll4j.spring.pinning.ConnectionPinningException;

/** Reports a pin that did not take at start-up as what is wrong and what to configure, without the stack trace. */
class ConnectionPinningFailureAnalyzer extends AbstractFailureAnalyzer<ConnectionPinningException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectionPinningException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
