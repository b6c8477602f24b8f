/** An error the server answers with MLflow's error JSON: `{"error_code": ..., "message": ...}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** MLflow's error code names; BAD_REQUEST for client errors as MLflow's scoring server uses. */
    readonly errorCode: string = status === 400
      ? 'BAD_REQUEST'
      : status === 413
        ? 'RESOURCE_LIMIT_EXCEEDED'
        : status >= 500
          ? 'INTERNAL_ERROR'
          : 'BAD_REQUEST',
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): string {
    return JSON.stringify({ error_code: this.errorCode, message: this.message });
  }
}
