// Masks: the exact formats, and properties that must hold for any input (fast-check): a mask never contains
// the whole value, never more than its fixed part, and its length does not depend on the value's length.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskAmount, maskDate, maskDocument, maskEmail, maskLast4, maskName, maskPhone } from './masks.js';

describe('masks', () => {
  it('email: j***@d***.com', () => {
    assert.equal(maskEmail('john.doe@domain.com'), 'j***@d***.com');
    assert.equal(maskEmail('ada.lovelace@analytical.engine.co.uk'), 'a***@a***.uk');
    assert.equal(maskEmail('x@localhost'), 'x***@l***');
    assert.equal(maskEmail('not-an-email'), '***');
    assert.equal(maskEmail('@domain.com'), '***');
    assert.equal(maskEmail('jo@'), '***');
    assert.equal(maskEmail('émile@exämple.fr'), 'é***@e***.fr');
    assert.equal(maskEmail('😀x@d.com'), '😀***@d***.com', 'whole characters, not UTF-16 halves');
    assert.equal(maskEmail('!@!.!!!!!!!!!!!!!!!'), '!***@!***', 'an odd last label is not kept');
  });

  it('phone: last 2 digits', () => {
    assert.equal(maskPhone('+44 20 7946 0958'), '***58');
    assert.equal(maskPhone('+351912345678'), '***78');
    assert.equal(maskPhone('12345'), '***', 'too short to keep anything');
  });

  it('IBAN, account, wallet address, API key: last 4', () => {
    assert.equal(maskLast4('GB82 WEST 1234 5698 7654 32'), '****5432');
    assert.equal(maskLast4('PT50000201231234567890154'), '****0154');
    assert.equal(maskLast4('0x52908400098527886E0F7030069857D2E4169EE7'), '****9EE7');
    assert.equal(maskLast4('bwk_live_7Hq2mX9pLr4T'), '****Lr4T');
    assert.equal(maskLast4('12345678'), '****', 'too short to keep anything');
  });

  it('document numbers: last 3', () => {
    assert.equal(maskDocument('P1234567'), '***567');
    assert.equal(maskDocument('AB-123-456-789'), '***789');
    assert.equal(maskDocument('12345'), '***');
  });

  it('names: first letter of each word; dates fully masked; amounts fully masked', () => {
    assert.equal(maskName('Ada Lovelace'), 'A*** L***');
    assert.equal(maskName('  Joana   Exemplo Silva '), 'J*** E*** S***');
    assert.equal(maskName(''), '***');
    assert.equal(maskDate('1815-12-10'), '****-**-**');
    assert.equal(maskAmount('12500.00'), '***');
  });

  it('never contains the value (for values long enough to mask), and the mask length is bounded', () => {
    const long = fc.string({ minLength: 12, maxLength: 80 }).filter((s) => s.trim().length >= 12 && !/\s/.test(s));
    fc.assert(
      fc.property(long, (v) => {
        for (const m of [maskLast4(v), maskDocument(v), maskPhone(v), maskEmail(v), maskName(v), maskDate(v), maskAmount(v)]) {
          assert.ok(!m.includes(v), 'the mask must not contain the whole value');
          assert.ok(m.length <= 16 + 8, 'bounded length');
        }
      }),
    );
    fc.assert(
      fc.property(fc.emailAddress(), (e) => {
        const m = maskEmail(e);
        assert.match(m, /^.{1,2}\*\*\*@.{1,2}\*\*\*(\.[^.]+)?$/u);
        const local = e.slice(0, e.lastIndexOf('@'));
        if (local.length > 2 && !local.includes('*')) assert.ok(!m.includes(local));
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{9,40}$/), fc.stringMatching(/^[A-Z0-9]{9,40}$/), (a, b) => {
        // The masked form does not tell the length.
        assert.equal(maskLast4(a).length, maskLast4(b).length);
      }),
    );
  });
});
