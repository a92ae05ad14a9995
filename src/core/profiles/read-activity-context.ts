import type { NormalizedEvent } from '../events/event.js';
import type { JsonObject } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';

/**
 * Device kind and channel of an activity event, for the device and channel mixes.
 *
 * Device: `context.device.type` (normalised: ios/android/phone -> mobile, ipad -> tablet, other
 * values lower-cased as they are), else derived from `context.userAgent`, else from
 * `context.os.name`; 'other' when nothing tells.
 *
 * Channel: `context.channel` (lower-cased), else 'web' for page calls and 'mobile' for screen
 * calls, else 'web' when the event carries `context.page` (analytics.js track calls do) and
 * 'mobile' when it carries `context.app` (mobile SDKs do), else 'server'.
 */
const MAX_LABEL_LENGTH = 40;

const DEVICE_TYPE_ALIASES: Readonly<Record<string, string>> = {
  mobile: 'mobile',
  phone: 'mobile',
  smartphone: 'mobile',
  ios: 'mobile',
  android: 'mobile',
  tablet: 'tablet',
  ipad: 'tablet',
  desktop: 'desktop',
  computer: 'desktop',
  pc: 'desktop',
  laptop: 'desktop',
};

// One entry is enough: a profile's events mostly share a user agent, and the fold reads them in a row.
let lastUserAgent = '';
let lastUserAgentKind = 'other';

export function readDeviceKind(context: JsonObject): string {
  const device = context['device'];
  if (isJsonObject(device)) {
    const type = device['type'];
    if (typeof type === 'string') {
      const label = type.trim().toLowerCase();
      if (label.length > 0) {
        return Object.hasOwn(DEVICE_TYPE_ALIASES, label)
          ? (DEVICE_TYPE_ALIASES[label] as string)
          : label.slice(0, MAX_LABEL_LENGTH);
      }
    }
  }
  const userAgent = context['userAgent'];
  if (typeof userAgent === 'string' && userAgent.length > 0) {
    if (userAgent !== lastUserAgent) {
      lastUserAgentKind = classifyUserAgent(userAgent);
      lastUserAgent = userAgent;
    }
    return lastUserAgentKind;
  }
  const os = context['os'];
  if (isJsonObject(os) && typeof os['name'] === 'string') return classifyOs(os['name']);
  return 'other';
}

function classifyUserAgent(userAgent: string): string {
  if (/bot|crawl|spider|slurp/i.test(userAgent)) return 'other';
  if (/ipad|tablet|kindle|silk|playbook/i.test(userAgent)) return 'tablet';
  if (/android/i.test(userAgent)) return /mobile/i.test(userAgent) ? 'mobile' : 'tablet';
  if (/mobi|iphone|ipod|blackberry|opera mini|iemobile|windows phone/i.test(userAgent)) return 'mobile';
  if (/windows|macintosh|mac os x|linux|x11|cros/i.test(userAgent)) return 'desktop';
  return 'other';
}

function classifyOs(name: string): string {
  if (/ipados/i.test(name)) return 'tablet';
  if (/ios|iphone|android/i.test(name)) return 'mobile';
  if (/windows|mac|linux|chrome ?os|ubuntu/i.test(name)) return 'desktop';
  return 'other';
}

export function readChannel(event: NormalizedEvent): string {
  const channel = event.context['channel'];
  if (typeof channel === 'string') {
    const label = channel.trim().toLowerCase();
    if (label.length > 0) return label.slice(0, MAX_LABEL_LENGTH);
  }
  if (event.type === 'page') return 'web';
  if (event.type === 'screen') return 'mobile';
  if (isJsonObject(event.context['page'])) return 'web';
  if (isJsonObject(event.context['app'])) return 'mobile';
  return 'server';
}
