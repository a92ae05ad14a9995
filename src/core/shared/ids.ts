/**
 * Branded identifiers. A brand stops a ProfileId being passed where a WorkspaceId is expected;
 * the prefix (`ws_`, `prf_`, `key_`) makes a bare id readable in logs and URLs.
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type WorkspaceId = Brand<string, 'WorkspaceId'>;
export type ProfileId = Brand<string, 'ProfileId'>;
export type ApiKeyId = Brand<string, 'ApiKeyId'>;

export const DEFAULT_WORKSPACE_ID = 'ws_default' as WorkspaceId;

export function asWorkspaceId(value: string): WorkspaceId {
  return value as WorkspaceId;
}

export function asProfileId(value: string): ProfileId {
  return value as ProfileId;
}

export function asApiKeyId(value: string): ApiKeyId {
  return value as ApiKeyId;
}
