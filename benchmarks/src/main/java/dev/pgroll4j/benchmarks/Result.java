package dev.pgroll4j.benchmarks;

/**
 * One figure of the suite: what pgroll measured, the baseline it is compared with (taken in the same run), and the
 * target it is held to.
 *
 * @param name what was measured
 * @param unit the unit of {@code measured} and {@code baseline}
 * @param measured the figure with pgroll
 * @param baseline the same work without pgroll, or null when the target is absolute
 * @param baselineLabel what the baseline is
 * @param ratio measured divided by baseline, or null without a baseline
 * @param target the target, as text
 * @param met whether the target was met, or null for a figure without target
 * @param failure why nothing was measured, or null
 */
public record Result(String name, String unit, Double measured, Double baseline, String baselineLabel, Double ratio,
		String target, Boolean met, String failure) {

	/** A throughput held to at least {@code minimum} times its baseline. */
	static Result atLeastRatio(String name, String unit, double measured, double baseline, String baselineLabel,
			double minimum) {
		double ratio = measured / baseline;
		return new Result(name, unit, measured, baseline, baselineLabel, ratio, "≥ " + minimum + "×",
				ratio >= minimum, null);
	}

	/** A cost held to at most {@code maximum}. */
	static Result atMost(String name, String unit, double measured, double maximum) {
		return new Result(name, unit, measured, null, null, null, target(maximum, unit), measured <= maximum, null);
	}

	/** A cost held to at most {@code maximum}, reported beside a baseline that has no target of its own. */
	static Result atMostBeside(String name, String unit, double measured, double baseline, String baselineLabel,
			double maximum) {
		return new Result(name, unit, measured, baseline, baselineLabel, measured / baseline, target(maximum, unit),
				measured <= maximum, null);
	}

	/** A cost that could not be measured: its target is missed. */
	static Result failed(String name, String unit, double maximum, String failure) {
		return new Result(name, unit, null, null, null, null, target(maximum, unit), false, failure);
	}

	private static String target(double maximum, String unit) {
		return "≤ " + format(maximum) + " " + unit;
	}

	/** A cost held to at most {@code maximum} over its baseline. */
	static Result atMostOver(String name, String unit, double measured, double baseline, String baselineLabel,
			double maximum) {
		return new Result(name, unit, measured, baseline, baselineLabel, measured / baseline,
				"≤ +" + format(maximum) + " " + unit, measured - baseline <= maximum, null);
	}

	/** A figure reported beside its baseline, without a target of its own. */
	static Result compared(String name, String unit, double measured, double baseline, String baselineLabel) {
		return new Result(name, unit, measured, baseline, baselineLabel, measured / baseline, null, null, null);
	}

	/** A figure reported alone, without baseline or target. */
	static Result alone(String name, String unit, double measured) {
		return new Result(name, unit, measured, null, null, null, null, null, null);
	}

	static String format(double value) {
		if (value >= 100) {
			return String.format("%,.0f", value);
		}
		return String.format("%.3g", value);
	}

}
