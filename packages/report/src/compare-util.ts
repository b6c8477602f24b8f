import type { MetricPoint } from '@mlci/store';

/** The last logged value of a metric, or null when it was never logged. */
export const lastValue = (points: MetricPoint[] | undefined): number | null => (points?.length ? points[points.length - 1].value : null);
