import type { FeatureContrast, GroupProfile, PersonaFact } from './describe-group.js';
import { formatPersonaNumber } from './format-persona-number.js';
import type { PersonaNumberKind } from './format-persona-number.js';
import type { PersonaName } from './name-persona.js';

/**
 * A short narrative built only from the numbers of a GroupProfile: the name, the share of
 * customers and of revenue, the average order value, then one sentence per fact, in fact order.
 * Only facts are narrated, so every comparison in the text passed the thresholds of describeGroup.
 * `numbers` lists every number written, in text order, with the value it was formatted from.
 */
export interface NarrativeNumber {
  /** What the number is, e.g. 'customerShare', 'frequency.ratio', 'category:mugs.lift'. */
  readonly what: string;
  readonly kind: PersonaNumberKind;
  /** The computed value (a share for percents, not the percent). */
  readonly value: number;
  readonly text: string;
}

export interface PersonaNarrative {
  readonly text: string;
  readonly numbers: readonly NarrativeNumber[];
}

export function narratePersona(profile: GroupProfile, name: PersonaName): PersonaNarrative {
  const numbers: NarrativeNumber[] = [];
  const n = (what: string, kind: PersonaNumberKind, value: number): string => {
    const text = formatPersonaNumber(kind, value);
    numbers.push({ what, kind, value, text });
    return text;
  };

  let head = `${name.name}: ${n('customerShare', 'percent', profile.customerShare)} of customers`;
  if (profile.revenueShare !== null) head += `, ${n('revenueShare', 'percent', profile.revenueShare)} of revenue`;
  if (profile.averageOrderValue !== null) {
    head += `, average order value ${n('averageOrderValue', 'amount', profile.averageOrderValue)}`;
    if (profile.populationAverageOrderValue !== null) {
      head += ` (overall ${n('populationAverageOrderValue', 'amount', profile.populationAverageOrderValue)})`;
    }
  }
  const sentences = [`${head}.`];
  for (const fact of profile.facts) {
    const sentence = factSentence(fact, n);
    if (sentence !== null) sentences.push(sentence);
  }
  return { text: sentences.join(' '), numbers };
}

type Emit = (what: string, kind: PersonaNumberKind, value: number) => string;

function factSentence(fact: PersonaFact, n: Emit): string | null {
  if (fact.kind === 'category') {
    const l = fact.lift;
    const id = `category:${l.category}`;
    return `${l.category}: ${n(`${id}.lift`, 'multiple', l.lift)} the overall share (${n(`${id}.groupCount`, 'integer', l.groupCount)} members).`;
  }
  const c = fact.contrast;
  const overall = (kind: PersonaNumberKind): string =>
    `${n(`${c.key}.groupMean`, kind, c.groupMean)} (overall ${n(`${c.key}.populationMean`, kind, c.populationMean)})`;
  switch (c.role) {
    case 'averageOrderValue':
      return null; // already in the first sentence
    case 'frequency':
      return c.ratio !== null
        ? `They order ${multiple(c, n)} as often as average.`
        : `They place ${overall('count')} orders on average.`;
    case 'monetary':
      return c.ratio !== null ? `They spend ${multiple(c, n)} the average.` : `They spend ${overall('amount')} on average.`;
    case 'recency':
      return `They last ordered ${overall('days')} days ago on average.`;
    case 'tenure':
      return `They first ordered ${overall('days')} days ago on average.`;
    case 'discountUsage':
      return `They use a discount on ${overall('percent')} of their orders on average.`;
    case 'weekendPreference':
      return `${upperFirst(overall('percent'))} of them shop mostly at weekends.`;
    case 'eveningPreference':
      return `${upperFirst(overall('percent'))} of them shop mostly in the evening.`;
    case 'other':
      return `${upperFirst(c.label)}: ${overall(c.unit === 'rate' ? 'percent' : c.unit)}.`;
  }
}

function multiple(c: FeatureContrast, n: Emit): string {
  return n(`${c.key}.ratio`, 'multiple', c.ratio ?? 0);
}

function upperFirst(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}
