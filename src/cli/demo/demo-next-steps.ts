import type { DemoKeys, DemoSecret } from './demo-keys.js';

function userArg(secret: DemoSecret): string {
  return secret.kind === 'known' ? `-u '${secret.secret}:'` : `-u "$${secret.variable}:"`;
}

/** The "what now" block the demo prints once the server listens: exact commands with the keys filled in. */
export function formatDemoNextSteps(input: {
  readonly url: string;
  readonly keys: DemoKeys;
  readonly showcase: { readonly customerId: string; readonly orders: number } | null;
  readonly sampleProductId: string | null;
}): string {
  const { url, keys } = input;
  const admin = userArg(keys.admin);
  const write = userArg(keys.write);
  const customer = input.showcase?.customerId ?? '17850';
  const product = input.sampleProductId ?? '85123A';
  const lines = [
    '',
    '==================================================================================',
    ` Attune is serving the demo on ${url}`,
    ` Dashboard: ${url}/app/ (sign in with the admin key; build it first with npm run build:dashboard)`,
    '==================================================================================',
    '',
    'Try these (the admin key reads everything; the write key only sends events):',
    '',
    '  # is it up?',
    `  curl -s ${url}/health`,
    '',
    input.showcase === null
      ? `  # a customer's profile (traits, order count, revenue, last seen ...)`
      : `  # the profile of customer ${customer} (${input.showcase.orders} orders in the data)`,
    `  curl -s ${admin} ${url}/v1/profiles/${customer}`,
    '',
    '  # the same, with rolling windows and the buying stage as of the end of the data (Dec 2011)',
    `  curl -s ${admin} '${url}/v1/profiles/${customer}?at=2011-12-10T00:00:00Z'`,
    '',
    '  # their timeline, newest first',
    `  curl -s ${admin} '${url}/v1/profiles/${customer}/timeline?limit=5'`,
    '',
    '  # the first profiles and some products',
    `  curl -s ${admin} '${url}/v1/profiles?limit=5'`,
    `  curl -s ${admin} '${url}/v1/catalog/items?limit=5'`,
    '',
    '  # segments: the RFM grid and its 11 segments, the clustering with personas, every segment with its size',
    `  curl -s ${admin} ${url}/v1/rfm`,
    `  curl -s ${admin} ${url}/v1/clusterings/rfm_clusters`,
    `  curl -s ${admin} ${url}/v1/segments`,
    '',
    '  # how big would a segment be? (the text form; estimated on a sample as you type)',
    `  curl -s ${admin} -H 'content-type: application/json' \\`,
    `    -d '{"text":"features.frequency >= 3 and did \\"Order Completed\\" at least 2 times since \\"2011-09-01\\""}' \\`,
    `    ${url}/v1/segments/preview`,
    '',
    '  # watch customers enter and leave segments live (server-sent events), then send an event below',
    `  curl -sN ${admin} ${url}/v1/segments/stream`,
    '',
    '  # recommendations and a whole decision (items, offer, e-mail subject and body) as of the end of the data',
    `  curl -s ${admin} '${url}/v1/recommendations/${customer}?count=5&at=2011-12-10T00:00:00Z'`,
    `  curl -s ${admin} -H 'content-type: application/json' \\`,
    `    -d '{"userId":"${customer}","placement":"email-weekly","context":{"time":"2011-12-10T00:00:00Z"}}' ${url}/v1/decide`,
    '',
    '  # run another simulated experiment (control vs segments vs personalization) and read its report',
    '  npx attune simulate --shoppers 500 --days 14 --storage memory://',
    '',
    '  # the browser script on a demo page: open it, paste the admin key, press Decide',
    `  ${url}/demo/decide?user=${customer}&placement=email-weekly`,
    '',
    '  # send an event as a Segment SDK would (write key as the Basic username)',
    `  curl -s ${write} -H 'content-type: application/json' \\`,
    `    -d '{"userId":"${customer}","event":"Product Viewed","properties":{"product_id":"${product}"}}' \\`,
    `    ${url}/v1/track`,
    '',
    '  # the whole API, as OpenAPI 3 (import it into Postman, Insomnia, Swagger UI ...)',
    `  curl -s ${url}/openapi.json`,
    '',
    'Segment / RudderStack SDKs: point them at this URL with the write key, e.g.',
    `  new Analytics({ writeKey: '<write key>', host: '${url}' })   // @segment/analytics-node`,
    '',
    'Press Ctrl+C to stop. Your data stays in the store; `attune demo` again resumes without re-importing.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
