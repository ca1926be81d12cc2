// The field-policy machinery: exhaustive at compile time, an allow-list at run time, and a secret never passes
// whatever the access says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineFieldPolicy, mergeClassPolicies, NO_ACCESS, presentFields, type ClassPolicy } from './field-policy.js';
import { maskEmail } from './masks.js';

interface Row {
  name: string;
  email: string;
  seed: string;
  note?: string | null;
}

const why = { purpose: 'exercising the field-policy machinery', legalBasis: 'contract' } as const;

const policy = defineFieldPolicy<Row>({
  name: { ...why, class: 'public', label: 'Name' },
  email: { ...why, class: 'contact', label: 'Email', mask: maskEmail },
  seed: { ...why, class: 'secret', label: 'Seed phrase' },
  note: { ...why, class: 'identity', label: 'Note' },
});

const row: Row = { name: 'Ada', email: 'ada@example.test', seed: 'abandon abandon ability', note: null };
const access = (p: Partial<ClassPolicy>): ClassPolicy => ({ ...NO_ACCESS, ...p }) as ClassPolicy;

describe('field policy', () => {
  it('does not compile, nor start, without a purpose and a legal basis for every field', () => {
    // @ts-expect-error -- no purpose, no legal basis
    assert.throws(() => defineFieldPolicy<{ a: string }>({ a: { class: 'public', label: 'a' } }), /purpose/);
    assert.throws(() => defineFieldPolicy<{ a: string }>({ a: { class: 'public', label: 'a', purpose: 'x', legalBasis: 'contract' } }), /purpose/);
    assert.throws(
      () => defineFieldPolicy<{ a: string }>({ a: { class: 'public', label: 'a', purpose: 'a real purpose here', legalBasis: 'because' as 'contract' } }),
      /legal basis/,
    );
  });

  it('does not compile without a decision for every field, nor with a field the row lacks', () => {
    // The @ts-expect-error lines are the test: `npm run typecheck` fails if either stops being an error.
    // @ts-expect-error -- `seed` and `note` have no classification
    const partial = defineFieldPolicy<Row>({ name: { ...why, class: 'public', label: 'n' }, email: { ...why, class: 'contact', label: 'e' } });
    assert.equal(Object.keys(partial).length, 2);
    defineFieldPolicy<Row>({
      name: { ...why, class: 'public', label: 'n' },
      email: { ...why, class: 'contact', label: 'e' },
      seed: { ...why, class: 'secret', label: 's' },
      note: { ...why, class: 'identity', label: 'x' },
      // @ts-expect-error -- not a field of Row
      extra: { ...why, class: 'public', label: 'x' },
    });
  });

  it('refuses a mask on a secret field and an unknown class', () => {
    assert.throws(() => defineFieldPolicy<{ s: string }>({ s: { ...why, class: 'secret', label: 's', mask: () => '***' } }), /secret field cannot have a mask/);
    assert.throws(() => defineFieldPolicy<{ s: string }>({ s: { ...why, class: 'nope' as 'public', label: 's' } }), /unknown class/);
  });

  it('full / masked / hidden per class; null stays null; unknown keys of the row never pass', () => {
    const withExtra = { ...row, password: 'hunter2' } as Row;
    const p = presentFields(policy, withExtra, access({ public: 'full', contact: 'masked', identity: 'full' }));
    assert.deepEqual(p.fields, { name: 'Ada', email: 'a***@e***.test', note: null });
    assert.deepEqual(p.masked, ['email']);
    assert.deepEqual(p.revealable, []);
    assert.equal(p.shown.seed, 'hidden');
    const r = presentFields(policy, row, access({ contact: 'reveal' }));
    assert.deepEqual(r.fields, { email: 'a***@e***.test' });
    assert.deepEqual(r.revealable, ['email']);
  });

  it('a secret field never passes, even when the access is forged to say full', () => {
    const forged = { public: 'full', contact: 'full', identity: 'full', financial: 'full', security: 'full', secret: 'full' } as unknown as ClassPolicy;
    const p = presentFields(policy, row, forged);
    assert.ok(!('seed' in p.fields));
    assert.ok(!JSON.stringify(p).includes('abandon'));
    assert.equal(mergeClassPolicies([{ secret: 'full', contact: 'masked' }, { contact: 'reveal' }]).secret, 'hidden');
  });

  it('merges roles to the most permissive visibility per class; unknown strings grant nothing', () => {
    const m = mergeClassPolicies([
      { public: 'full', contact: 'masked', financial: 'bogus' },
      { contact: 'reveal', identity: 'hidden', financial: 'masked' },
    ]);
    assert.deepEqual(m, { public: 'full', contact: 'reveal', identity: 'hidden', financial: 'masked', security: 'hidden', secret: 'hidden' });
    assert.deepEqual(mergeClassPolicies([]), NO_ACCESS);
  });

  it('restricts to a view’s fields when asked', () => {
    const p = presentFields(policy, row, access({ public: 'full', contact: 'full', identity: 'full' }), { only: new Set(['email']) });
    assert.deepEqual(p.fields, { email: 'ada@example.test' });
  });
});
