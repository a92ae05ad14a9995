/**
 * What a section shows while its request is in flight or after it failed (nothing once answered):
 * one status line for screen readers, or one alert with the server's message.
 */
export function LoadStatus(props: { readonly load: { readonly kind: string; readonly message?: string }; readonly loading: string; readonly failed: string }) {
  if (props.load.kind === 'loading') return <p role="status">{props.loading}</p>;
  if (props.load.kind === 'error') {
    return (
      <p class="error" role="alert">
        {props.failed}: {props.load.message}
      </p>
    );
  }
  return null;
}
