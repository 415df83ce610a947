/** A control-API request the simulator cannot carry out; `status` is the HTTP answer. */
export class ControlError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function notFound(what: string): ControlError {
  return new ControlError(404, `${what} not found`);
}
