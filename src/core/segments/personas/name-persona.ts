import type { FeatureContrast, GroupProfile, PersonaFact } from './describe-group.js';

/**
 * A deterministic persona name from the facts of a GroupProfile, with one justification per word.
 *
 * Words come only from facts (|d| >= minEffect or lift >= minLift with support, see describeGroup),
 * plus the extra absolute condition a word needs to be true:
 *
 * | fact                         | word                | extra condition                       |
 * |------------------------------|---------------------|---------------------------------------|
 * | recency high / low           | Lapsed / Recent     |                                       |
 * | tenure low / high            | New / Long-standing |                                       |
 * | frequency high               | Loyal               |                                       |
 * | frequency low                | One-time            | group mean orders <= 1.2              |
 * | frequency low                | Occasional          | group mean orders > 1.2               |
 * | weekend preference high      | Weekend             | group share >= 0.5 (a majority)       |
 * | evening preference high      | Evening             | group share >= 0.5 (a majority)       |
 * | discount usage low           | Full-price          | group rate <= 0.1                     |
 * | average order value high/low | Big-basket / Small-basket |                                 |
 * | discount usage high          | bargain hunters (noun) | group rate >= 0.25                 |
 * | monetary high / low          | big spenders / light spenders (noun) |                      |
 * | category lift                | CATEGORY lovers (noun) |                                    |
 *
 * At most two adjectives, taken from the strongest facts first (facts are already ordered), one per
 * slot, written in a fixed slot order (time, status, loyalty, price, basket); the noun is the one
 * of the strongest fact that gives a noun, else "customers". No fact at all gives the neutral
 * "Typical customers"; facts that no rule covers give "Distinctive customers".
 */
export type NameSlot = 'time' | 'status' | 'loyalty' | 'price' | 'basket' | 'noun';

export type NameReason =
  | {
      readonly kind: 'numeric';
      readonly key: string;
      readonly direction: 'high' | 'low';
      readonly standardizedDifference: number;
      readonly minEffect: number;
      readonly groupMean: number;
      readonly populationMean: number;
      /** The extra absolute condition, when the word needs one (e.g. "group mean <= 1.2"). */
      readonly condition: string | null;
    }
  | {
      readonly kind: 'category';
      readonly category: string;
      readonly lift: number;
      readonly minLift: number;
      readonly groupCount: number;
      readonly minSupport: number;
    }
  | { readonly kind: 'default' }
  | { readonly kind: 'no_distinguishing_fact' }
  | { readonly kind: 'facts_without_vocabulary' };

export interface NameWord {
  readonly word: string;
  readonly slot: NameSlot;
  readonly reason: NameReason;
}

export interface PersonaName {
  readonly name: string;
  /** In name order; every word of the name that says something about the group is here. */
  readonly words: readonly NameWord[];
  /** True when no fact distinguishes the group. */
  readonly neutral: boolean;
}

export const ONE_TIME_MAX_ORDERS = 1.2;
export const MAJORITY_SHARE = 0.5;
export const BARGAIN_MIN_RATE = 0.25;
export const FULL_PRICE_MAX_RATE = 0.1;
const MAX_ADJECTIVES = 2;
const SLOT_ORDER: readonly NameSlot[] = ['time', 'status', 'loyalty', 'price', 'basket', 'noun'];

interface Candidate {
  readonly word: string;
  readonly slot: NameSlot;
  readonly condition: string | null;
}

export function namePersona(profile: GroupProfile): PersonaName {
  if (profile.facts.length === 0) {
    return { name: 'Typical customers', words: [{ word: 'Typical', slot: 'status', reason: { kind: 'no_distinguishing_fact' } }], neutral: true };
  }
  const adjectives: NameWord[] = [];
  let noun: NameWord | null = null;
  for (const fact of profile.facts) {
    const candidate = candidateFor(fact);
    if (candidate === null) continue;
    const reason = reasonFor(fact, candidate.condition, profile);
    if (candidate.slot === 'noun') {
      noun ??= { word: candidate.word, slot: 'noun', reason };
    } else if (adjectives.length < MAX_ADJECTIVES && !adjectives.some((a) => a.slot === candidate.slot)) {
      adjectives.push({ word: candidate.word, slot: candidate.slot, reason });
    }
  }
  if (adjectives.length === 0 && noun === null) {
    return {
      name: 'Distinctive customers',
      words: [{ word: 'Distinctive', slot: 'status', reason: { kind: 'facts_without_vocabulary' } }],
      neutral: false,
    };
  }
  adjectives.sort((a, b) => SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot));
  const words = [...adjectives, noun ?? { word: 'customers', slot: 'noun', reason: { kind: 'default' } }];
  const text = words.map((w, i) => (i === 0 || w.reason.kind === 'category' ? w.word : lowerFirst(w.word))).join(' ');
  return { name: upperFirst(text), words, neutral: false };
}

function candidateFor(fact: PersonaFact): Candidate | null {
  if (fact.kind === 'category') return { word: `${fact.lift.category} lovers`, slot: 'noun', condition: null };
  const c: FeatureContrast = fact.contrast;
  const high = fact.direction === 'high';
  switch (c.role) {
    case 'recency':
      return { word: high ? 'Lapsed' : 'Recent', slot: 'status', condition: null };
    case 'tenure':
      return { word: high ? 'Long-standing' : 'New', slot: 'status', condition: null };
    case 'frequency':
      if (high) return { word: 'Loyal', slot: 'loyalty', condition: null };
      return c.groupMean <= ONE_TIME_MAX_ORDERS
        ? { word: 'One-time', slot: 'loyalty', condition: `group mean <= ${ONE_TIME_MAX_ORDERS}` }
        : { word: 'Occasional', slot: 'loyalty', condition: `group mean > ${ONE_TIME_MAX_ORDERS}` };
    case 'weekendPreference':
      return high && c.groupMean >= MAJORITY_SHARE ? { word: 'Weekend', slot: 'time', condition: `group share >= ${MAJORITY_SHARE}` } : null;
    case 'eveningPreference':
      return high && c.groupMean >= MAJORITY_SHARE ? { word: 'Evening', slot: 'time', condition: `group share >= ${MAJORITY_SHARE}` } : null;
    case 'discountUsage':
      if (high) return c.groupMean >= BARGAIN_MIN_RATE ? { word: 'bargain hunters', slot: 'noun', condition: `group rate >= ${BARGAIN_MIN_RATE}` } : null;
      return c.groupMean <= FULL_PRICE_MAX_RATE ? { word: 'Full-price', slot: 'price', condition: `group rate <= ${FULL_PRICE_MAX_RATE}` } : null;
    case 'averageOrderValue':
      return { word: high ? 'Big-basket' : 'Small-basket', slot: 'basket', condition: null };
    case 'monetary':
      return { word: high ? 'big spenders' : 'light spenders', slot: 'noun', condition: null };
    case 'other':
      return null;
  }
}

function reasonFor(fact: PersonaFact, condition: string | null, profile: GroupProfile): NameReason {
  if (fact.kind === 'category') {
    return {
      kind: 'category',
      category: fact.lift.category,
      lift: fact.lift.lift,
      minLift: profile.thresholds.minLift,
      groupCount: fact.lift.groupCount,
      minSupport: profile.thresholds.minSupport,
    };
  }
  return {
    kind: 'numeric',
    key: fact.contrast.key,
    direction: fact.direction,
    standardizedDifference: fact.contrast.standardizedDifference,
    minEffect: profile.thresholds.minEffect,
    groupMean: fact.contrast.groupMean,
    populationMean: fact.contrast.populationMean,
    condition,
  };
}

function upperFirst(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Lower-cases the capital of a vocabulary adjective inside a name (category names keep their case). */
function lowerFirst(word: string): string {
  return word.charAt(0).toLowerCase() + word.slice(1);
}
