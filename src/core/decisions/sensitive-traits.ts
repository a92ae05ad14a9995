/**
 * Traits that never decide what a customer is offered or shown, and never reach a template: the
 * special categories of personal data (GDPR art. 9) and the like. Compared lowercased.
 */
export const SENSITIVE_TRAITS: ReadonlySet<string> = new Set([
  'ethnicity',
  'race',
  'religion',
  'health',
  'sexual_orientation',
  'political_views',
  'gender_identity',
  'disability',
  'biometrics',
  'trade_union',
]);
