/**
 * The server's Prometheus metrics, rendered in the text exposition format (version 0.0.4).
 * Small on purpose: counters and histograms with fixed label sets, no client library.
 */

/** Request latency buckets in seconds (Prometheus client defaults, plus finer ones below 5 ms). */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Regression outputs: symmetric decades, so any scale lands somewhere readable. */
export const VALUE_BUCKETS = [-1e6, -1e4, -1e3, -100, -10, -1, -0.1, 0, 0.1, 1, 10, 100, 1e3, 1e4, 1e6];
/** Distinct class labels kept as label values before the rest count as "__other__" (bounded cardinality). */
export const MAX_CLASS_LABELS = 100;

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) this.counts[i]++;
  }
  render(name: string, labels: string): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((b, i) => {
      cumulative += this.counts[i];
      lines.push(`${name}_bucket{${labels}${labels ? ',' : ''}le="${b}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${labels}${labels ? ',' : ''}le="+Inf"} ${this.count}`);
    lines.push(`${name}_sum${labels ? `{${labels}}` : ''} ${this.sum}`, `${name}_count${labels ? `{${labels}}` : ''} ${this.count}`);
    return lines;
  }
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly errors = new Map<string, number>();
  private readonly classes = new Map<string, number>();
  private readonly values = new Histogram(VALUE_BUCKETS);
  private rows = 0;

  /**
   * `classifier` decides how predictions are counted: per class label, or as a value histogram. `path` (onnx or
   * python) labels the predicted-rows counter, so a dashboard sees which path served.
   */
  constructor(
    private readonly classifier: () => boolean,
    private readonly path = 'python',
  ) {}

  /** One finished HTTP request. `route` is a fixed route name (never the raw URL: bounded cardinality). */
  request(route: string, status: number, seconds: number): void {
    const key = `route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let h = this.latency.get(route);
    if (!h) this.latency.set(route, (h = new Histogram(LATENCY_BUCKETS)));
    h.observe(seconds);
  }

  /** A failed prediction, by reason (bad_input, model, timeout, crash, busy, unavailable, validation...). */
  error(reason: string): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  predictions(values: unknown[]): void {
    this.rows += values.length;
    const asClasses = this.classifier();
    for (const v of values) {
      if (!asClasses && typeof v === 'number') this.values.observe(v);
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        const label = String(v);
        const key = this.classes.has(label) || this.classes.size < MAX_CLASS_LABELS ? label : '__other__';
        this.classes.set(key, (this.classes.get(key) ?? 0) + 1);
      }
    }
  }

  render(gauges: Record<string, { help: string; value: number }>): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family('mlci_http_requests_total', 'counter', 'HTTP requests by route and status code.');
    for (const [k, v] of this.requests) out.push(`mlci_http_requests_total{${k}} ${v}`);
    family(
      'mlci_http_request_duration_seconds',
      'histogram',
      'HTTP request latency by route, from the first byte read to the last byte written.',
    );
    for (const [route, h] of this.latency) out.push(...h.render('mlci_http_request_duration_seconds', `route="${escapeLabel(route)}"`));
    family('mlci_prediction_errors_total', 'counter', 'Failed /invocations by reason.');
    for (const [k, v] of this.errors) out.push(`mlci_prediction_errors_total{reason="${escapeLabel(k)}"} ${v}`);
    family('mlci_predicted_rows_total', 'counter', 'Rows predicted, by serving path (onnx: in-process onnxruntime-node; python: worker).');
    out.push(`mlci_predicted_rows_total{path="${escapeLabel(this.path)}"} ${this.rows}`);
    family(
      'mlci_predictions_by_class_total',
      'counter',
      `Predictions per class label (classifiers; at most ${MAX_CLASS_LABELS} labels, then __other__).`,
    );
    for (const [k, v] of this.classes) out.push(`mlci_predictions_by_class_total{class="${escapeLabel(k)}"} ${v}`);
    family('mlci_prediction_value', 'histogram', 'Distribution of numeric predictions (regressors).');
    out.push(...this.values.render('mlci_prediction_value', ''));
    for (const [name, g] of Object.entries(gauges)) {
      family(name.split('{')[0], 'gauge', g.help);
      out.push(`${name} ${g.value}`);
    }
    return out.join('\n') + '\n';
  }
}
