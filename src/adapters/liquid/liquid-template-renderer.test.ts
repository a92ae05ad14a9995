import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '../../core/shared/json.js';
import { createRng } from '../../core/shared/rng.js';
import type { Rng } from '../../core/shared/rng.js';
import type { CompiledTemplate, TemplateError, TemplateRenderer } from '../../ports/template-renderer.js';
import { createLiquidTemplateRenderer } from './index.js';

const renderer = createLiquidTemplateRenderer();

function compiled(source: string, r: TemplateRenderer = renderer): CompiledTemplate {
  const result = r.compile(source);
  if (!('render' in result)) throw new Error(`expected the template to compile: ${result.message} at ${result.line}:${result.column}`);
  return result;
}

function refused(source: string, r: TemplateRenderer = renderer): TemplateError {
  const result = r.compile(source);
  if ('render' in result) throw new Error('expected a compile error');
  return result;
}

/** The shape the decision API passes (docs/templates.md). */
const DATA: JsonObject = {
  traits: { first_name: 'Ada', plan: 'pro' },
  features: { purchases_30d: 3 },
  segments: ['vip', 'newsletter'],
  predicted: { churn: 0.12 },
  recommendations: [
    { itemId: 'sku-1', name: 'Kettle', price: 39.5, category: 'kitchen', url: 'https://shop.test/sku-1' },
    { itemId: 'sku-2', name: 'Teapot', price: 25, category: 'kitchen' },
    { itemId: 'sku-3', name: 'Mug', price: 9.99, category: 'kitchen' },
    { itemId: 'sku-4', name: 'Spoon', price: 2, category: 'kitchen' },
  ],
  offer: { name: 'spring', discountPercent: 15, code: 'SPRING15', headline: 'Spring sale' },
  channel: 'email',
  now: '2024-03-01T09:00:00.000Z',
};

describe('liquid template renderer: personalization', () => {
  it('renders traits, features, the offer and a bounded recommendations loop', () => {
    const template = compiled(
      'Hi {{ traits.first_name }}! {{ offer.headline }}: {{ offer.discountPercent }}% off with {{ offer.code }}. ' +
        'You bought {{ features.purchases_30d }} times. ' +
        '{% for item in recommendations limit: 3 %}[{{ item.name }} {{ item.price }}]{% endfor %}',
    );
    expect(template.render(DATA)).toBe(
      'Hi Ada! Spring sale: 15% off with SPRING15. You bought 3 times. [Kettle 39.5][Teapot 25][Mug 9.99]',
    );
  });

  it('reads segments, predictions, optional fields and the channel', () => {
    const template = compiled(
      '{% if segments contains "vip" %}VIP {% endif %}{% if predicted.churn < 0.5 %}stay{% endif %} ' +
        '{% for item in recommendations limit: 2 %}{% if item.url %}<a href="{{ item.url }}">{{ item.name }}</a>{% else %}{{ item.name }}{% endif %};{% endfor %}' +
        ' via {{ channel }}',
    );
    expect(template.render(DATA)).toBe('VIP stay <a href="https://shop.test/sku-1">Kettle</a>;Teapot; via email');
  });

  it('falls back with the default filter when a field is missing', () => {
    const template = compiled('Hi {{ traits.first_name | default: "there" }}{% if offer.code == blank %}, no code{% endif %}');
    expect(template.render({ traits: {}, offer: { name: 'x' } })).toBe('Hi there, no code');
    expect(template.render({})).toBe('Hi there, no code');
    expect(template.render({ traits: { first_name: 'Lin' } })).toBe('Hi Lin, no code');
  });

  it('formats dates in UTC', () => {
    expect(compiled('{{ now | date: "%Y-%m-%d %H:%M" }}').render({ now: '2024-03-01T23:30:00.000Z' })).toBe('2024-03-01 23:30');
  });

  it('renders missing variables as empty, not as an error', () => {
    expect(compiled('[{{ nope }}][{{ traits.a.b.c }}][{{ recommendations[9].name }}]').render(DATA)).toBe('[][][]');
  });

  it('renders the same compiled template many times with different data', () => {
    const template = compiled('{{ traits.first_name | default: "there" }}');
    expect(['Ada', 'Bo', undefined].map((name) => template.render({ traits: name === undefined ? {} : { first_name: name } }))).toEqual([
      'Ada',
      'Bo',
      'there',
    ]);
  });
});

describe('liquid template renderer: escaping', () => {
  const hostile = { traits: { first_name: '<script>alert("x")</script> & \'co\'' } };

  it('HTML-escapes every output by default', () => {
    const template = compiled('<p>Hi {{ traits.first_name }}</p>');
    expect(template.render(hostile)).toBe('<p>Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;co&#39;</p>');
    expect(template.render(hostile, { escape: 'html' })).toBe(template.render(hostile));
  });

  it('escapes after filters and in echo tags too', () => {
    expect(compiled('{{ traits.first_name | upcase }}').render({ traits: { first_name: '<b>' } })).toBe('&lt;B&gt;');
    expect(compiled('{% echo traits.first_name %}').render({ traits: { first_name: '<b>' } })).toBe('&lt;b&gt;');
    expect(compiled('{% liquid\necho traits.first_name\n%}').render({ traits: { first_name: '<b>' } })).toBe('&lt;b&gt;');
    expect(compiled('{% assign n = traits.first_name %}{{ n }}').render({ traits: { first_name: '<b>' } })).toBe('&lt;b&gt;');
  });

  it('keeps text as is with escape none, for plain-text channels', () => {
    const subject = compiled('{{ traits.first_name }}, 15% off & more');
    expect(subject.render(hostile, { escape: 'none' })).toBe('<script>alert("x")</script> & \'co\', 15% off & more');
  });

  it('has no raw filter to opt out of escaping', () => {
    const error = refused('{{ traits.first_name | raw }}');
    expect(error.message).toMatch(/undefined filter: raw/);
  });
});

describe('liquid template renderer: data isolation', () => {
  it('never reads prototype members', () => {
    const template = compiled(
      '[{{ traits.__proto__ }}][{{ traits.constructor.name }}][{{ traits.constructor }}][{{ traits.toString }}]' +
        '[{{ traits.hasOwnProperty }}][{{ recommendations.constructor.name }}][{{ traits.first_name.constructor.name }}]' +
        '[{{ __proto__ }}][{{ constructor.name }}]',
    );
    expect(template.render(DATA)).toBe('[][][][][][][][][]');
  });

  it('drops prototype-pollution and conversion keys of the data itself', () => {
    const data = JSON.parse('{"traits":{"__proto__":{"polluted":"yes"},"constructor":{"name":"x"},"toString":"boom","valueOf":1,"ok":"fine"}}') as JsonObject;
    const template = compiled('[{{ traits.__proto__.polluted }}][{{ traits.polluted }}][{{ traits.constructor.name }}][{{ traits.ok }}][{{ traits }}]');
    expect(template.render(data)).toBe('[][][][fine][[object Object]]');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('cannot pollute prototypes through assign, capture or increment', () => {
    const template = compiled(
      '{% assign __proto__ = traits %}{% capture constructor %}x{% endcapture %}{% increment __proto__ %}{% assign toString = "s" %}' +
        '[{{ first_name }}][{{ plan }}]',
    );
    expect(() => template.render(DATA)).not.toThrow();
    expect(template.render(DATA)).toMatch(/\[\]\[\]$/);
    expect(({} as Record<string, unknown>)['first_name']).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
  });

  it('does not mutate the data it is given', () => {
    const data = { traits: { first_name: 'Ada' }, counter: 1 } satisfies JsonObject;
    const before = JSON.stringify(data);
    compiled('{% increment counter %}{% assign traits = "x" %}{{ traits }}').render(data);
    expect(JSON.stringify(data)).toBe(before);
  });

  it('survives deeply nested data and non-JSON values', () => {
    let deep: JsonValue = 'bottom';
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    const template = compiled('[{{ deep.a.a.a }}][{{ deep | json | size }}][{{ fn }}][{{ big }}]');
    const data = { deep, fn: (() => 1) as unknown as JsonValue, big: 10n as unknown as JsonValue } as JsonObject;
    expect(template.render(data)).toMatch(/^\[\[object Object\]\]\[\d+\]\[\]\[\]$/);
  });
});

describe('liquid template renderer: refused templates', () => {
  it.each([
    ['include', 'Hello\n  {% include "x" %}', 2, 3],
    ['render', '{% render "x" %}', 1, 1],
    ['layout', 'a\nb\n{% layout "base" %}', 3, 1],
    ['include', '{% liquid\n  include "x"\n%}', 2, 3],
  ])('refuses the %s tag at compile time, naming the line', (tag, source, line, column) => {
    const error = refused(source);
    expect(error.message).toContain(`"${tag}" tag is not allowed`);
    expect(error.line).toBe(line);
    expect(error.column).toBe(column);
  });

  it('reports syntax errors with line and column', () => {
    expect(refused('ok\n{% if traits.plan %}pro')).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/not closed/) as unknown });
    expect(refused('line one\nline two {{ traits.first_name ')).toMatchObject({ line: 2, column: 10 });
    expect(refused('{% for %}{% endfor %}').message).toMatch(/illegal tag/);
    expect(refused('{% nosuchtag %}').message).toMatch(/nosuchtag/);
  });

  it('makes an unknown filter a compile error', () => {
    const error = refused('Hi\n{{ traits.first_name | shout }}');
    expect(error).toEqual({ message: 'undefined filter: shout', line: 2, column: 1 });
  });

  it('refuses a template over the length limit', () => {
    const error = refused('x'.repeat(20_001));
    expect(error.message).toMatch(/over the limit of 20000/);
    expect(compiled('x'.repeat(20_000)).render({})).toHaveLength(20_000);
  });

  it('renders nested tags, and refuses nesting that would overflow the stack', () => {
    const nested = (depth: number): string => '{%if a%}'.repeat(depth) + 'x' + '{%endif%}'.repeat(depth);
    expect(compiled(nested(200)).render({ a: true })).toBe('x');
    const roomy = createLiquidTemplateRenderer({ maxTemplateLength: 1_000_000 });
    expect(refused(nested(20_000), roomy).message).toBe('template nests too deeply');
  });
});

describe('liquid template renderer: limits', () => {
  function renderError(template: CompiledTemplate, data: JsonObject = {}): { name: string; reason: string; message: string } {
    try {
      template.render(data);
    } catch (error) {
      return error as { name: string; reason: string; message: string };
    }
    throw new Error('expected the render to fail');
  }

  it('stops a huge output at the output limit', () => {
    const template = compiled('{% for i in (1..100000) %}{{ s }}{% endfor %}');
    const started = Date.now();
    const error = renderError(template, { s: 'y'.repeat(1_000) });
    expect(error).toMatchObject({ name: 'TemplateRenderError', reason: 'limit' });
    expect(error.message).toMatch(/output length limit exceeded/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops a huge range at the memory limit', () => {
    const error = renderError(compiled('{% for i in (1..100000000) %}{% endfor %}'));
    expect(error).toMatchObject({ name: 'TemplateRenderError', reason: 'limit' });
    expect(error.message).toMatch(/memory alloc limit exceeded/);
  });

  it('stops a string that doubles in a loop', () => {
    const error = renderError(compiled('{% assign s = "ab" %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}'));
    expect(error).toMatchObject({ name: 'TemplateRenderError', reason: 'limit' });
  });

  it('stops a capture that doubles in a loop', () => {
    const error = renderError(compiled('{% capture s %}ab{% endcapture %}{% for i in (1..60) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}'));
    expect(error).toMatchObject({ name: 'TemplateRenderError', reason: 'limit' });
  });

  it('stops deeply nested loops at the time limit instead of hanging', () => {
    const tight = createLiquidTemplateRenderer({ renderTimeMs: 50, memoryLimit: 1e9 });
    const template = compiled(
      '{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}{% endfor %}{% endfor %}{% endfor %}',
      tight,
    );
    const started = Date.now();
    const error = renderError(template);
    expect(error).toMatchObject({ name: 'TemplateRenderError', reason: 'limit' });
    expect(error.message).toMatch(/template render limit exceeded/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('takes its limits from options', () => {
    const small = createLiquidTemplateRenderer({ maxTemplateLength: 10, maxOutputLength: 5 });
    expect(refused('01234567890', small).message).toMatch(/over the limit of 10/);
    expect(compiled('{{ a }}', small).render({ a: '12345' })).toBe('12345');
    expect(renderError(compiled('{{ a }}', small), { a: '123456' })).toMatchObject({ reason: 'limit' });
  });
});

describe('liquid template renderer: arbitrary data (seeded property test)', () => {
  const TEMPLATES = [
    'Hi {{ traits.first_name | default: "there" }}, {{ traits.last_name | upcase }}',
    '{% for item in recommendations limit: 3 %}{{ item.name | escape }} {{ item.price | times: 2 }};{% endfor %}',
    '{{ offer.headline }} {{ offer.discountPercent | plus: 1 }} {{ offer.code | default: "none" }}',
    '{% if traits.vip %}{{ traits }}{% else %}{{ features }}{% endif %}{{ segments | join: "," }}',
    '{{ traits.__proto__ }}{{ traits.constructor.name }}{{ traits.toString }}{{ traits.valueOf }}{{ traits.hasOwnProperty }}',
    '{{ traits | json }}{{ recommendations | map: "name" | join: "," }}{{ traits.first_name | size }}',
    '{% for k in traits %}{{ k }}{% endfor %}{{ traits.first_name | split: "" | reverse | join: "" }}',
  ].map((source) => compiled(source));

  const KEYS = ['first_name', 'last_name', 'vip', 'name', 'price', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'toLiquid', 'size', 'first', 'length', '0'];
  const STRINGS = ['', '<script>', '{{ x }}', '{% include "x" %}', '&amp;', '\u0000', '\ud800', '🙂', '__proto__', 'constructor'];
  const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).filter((name) => name !== '__proto__');

  function randomString(rng: Rng): string {
    if (rng.nextInt(3) === 0) return STRINGS[rng.nextInt(STRINGS.length)] ?? '';
    let out = '';
    const length = rng.nextInt(20);
    for (let i = 0; i < length; i += 1) out += String.fromCharCode(rng.nextInt(0x300));
    return out;
  }

  function randomValue(rng: Rng, depth: number): JsonValue {
    switch (rng.nextInt(depth > 0 ? 7 : 5)) {
      case 0:
        return null;
      case 1:
        return rng.next() < 0.5;
      case 2:
        return [0, -1, 1e308, -0, 3.5, Number.MAX_SAFE_INTEGER][rng.nextInt(6)] ?? 0;
      case 3:
      case 4:
        return randomString(rng);
      case 5:
        return Array.from({ length: rng.nextInt(4) }, () => randomValue(rng, depth - 1));
      default: {
        const json = `{${Array.from({ length: rng.nextInt(5) }, () => `${JSON.stringify(KEYS[rng.nextInt(KEYS.length)] ?? 'k')}:${JSON.stringify(randomValue(rng, depth - 1))}`).join(',')}}`;
        return JSON.parse(json) as JsonValue; // JSON.parse keeps "__proto__" as an own key, like data off the wire
      }
    }
  }

  it('never throws and never leaks Object.prototype members, for any data', () => {
    const rng = createRng(20_240_601);
    for (let run = 0; run < 200; run += 1) {
      const data: JsonObject = {
        traits: randomValue(rng, 3),
        features: randomValue(rng, 2),
        segments: randomValue(rng, 1),
        recommendations: randomValue(rng, 3),
        offer: randomValue(rng, 2),
      };
      for (const template of TEMPLATES) {
        for (const escape of ['html', 'none'] as const) {
          let output = '';
          expect(() => {
            output = template.render(data, { escape });
          }).not.toThrow();
          expect(output).not.toMatch(/function |\[native code\]/);
          for (const name of PROTOTYPE_NAMES) expect(output).not.toContain(`${name}()`);
        }
      }
    }
    expect(({} as Record<string, unknown>)['first_name']).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
