/** Limits the HTTP face enforces before a request reaches the app. Units are bytes. */
export interface ServerOptions {
  /**
   * Largest `/v1/batch` body, after decompression, and largest catalog upload
   * (Segment's limit: 500 KB = 512000). Exceeding it gives 413 ERR_BATCH_TOO_LARGE / ERR_BODY_TOO_LARGE.
   */
  readonly maxBatchBytes: number;
  /**
   * Largest single event, in bytes of UTF-8 JSON (Segment: 32 KB = 32768). The app enforces it per
   * event (ERR_EVENT_TOO_LARGE); the server only uses it to check `maxSingleEventBodyBytes` is sane.
   */
  readonly maxEventBytes: number;
  /**
   * Largest body of `/v1/track`, `/v1/identify`, ... after decompression. It must be at least
   * `maxEventBytes`, so that an event slightly too large gets the precise ERR_EVENT_TOO_LARGE (400)
   * from the app instead of a blunt 413.
   */
  readonly maxSingleEventBodyBytes: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  maxBatchBytes: 512_000,
  maxEventBytes: 32_768,
  maxSingleEventBodyBytes: 65_536,
};
