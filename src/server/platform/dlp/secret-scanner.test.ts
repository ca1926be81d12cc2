// Secret scanner: what must be caught (seed phrases of every length, numbered or not; raw/WIF/extended/PEM private
// keys; random API secrets; Luhn-valid card numbers) and what must survive (ordinary English that happens to use
// BIP-39 words, 11-word runs, wallet addresses of every common chain, UUIDs, URL paths, Luhn-invalid order numbers).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { SECRET_KINDS, findingKinds, redactionLabel, scanSecrets, type SecretKind } from './secret-scanner.js';

function kinds(text: string): SecretKind[] {
  return scanSecrets(text).findings.map((f) => f.kind);
}
function survives(text: string): void {
  const r = scanSecrets(text);
  assert.deepEqual(r.findings, [], `unexpected finding in: ${text}`);
  assert.equal(r.text, text);
}

const SEED12 = 'abandon ability able about above absent absorb abstract absurd abuse access accident';

describe('secret scanner: seed phrases', () => {
  it('redacts 12/15/18/21/24-word phrases and keeps the surrounding text', () => {
    for (const strength of [128, 160, 192, 224, 256]) {
      const phrase = generateMnemonic(wordlist, strength);
      const text = `Hi, my wallet words are ${phrase}. Is it restorable?`;
      const r = scanSecrets(text);
      assert.deepEqual(r.findings.map((f) => f.kind), ['seed_phrase'], `strength ${strength}`);
      assert.equal(r.text, `Hi, my wallet words are ${redactionLabel('seed_phrase')}. Is it restorable?`);
      assert.equal(text.slice(r.findings[0]!.start, r.findings[0]!.end), phrase, 'offsets point into the input');
    }
  });

  it('tolerates numbering, commas, newlines and upper case', () => {
    const words = SEED12.split(' ');
    assert.deepEqual(kinds(words.map((w, i) => `${i + 1}. ${w}`).join(' ')), ['seed_phrase']);
    assert.deepEqual(kinds(words.map((w, i) => `${i + 1}) ${w.toUpperCase()}`).join('\n')), ['seed_phrase']);
    assert.deepEqual(kinds(words.join(', ')), ['seed_phrase']);
    assert.deepEqual(kinds(words.join('\n')), ['seed_phrase']);
    assert.deepEqual(kinds(`Words:\n${words.slice(0, 6).join(' ')}\n${words.slice(6).join(' ')}`), ['seed_phrase']);
    assert.deepEqual(kinds('ABANDON Ability able ABOUT above absent absorb abstract absurd abuse access accident'), ['seed_phrase']);
  });

  it('redacts a longer run of BIP-39 words whole ("can you help" after the phrase is lost with it)', () => {
    assert.equal(scanSecrets(`${SEED12} can you help`).text, redactionLabel('seed_phrase'));
  });

  it('does not need a valid checksum (a mistyped phrase is still a secret)', () => {
    assert.deepEqual(kinds('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo'), ['seed_phrase']);
  });

  it('keeps 11 words, ordinary English and runs broken by non-BIP-39 words', () => {
    survives(SEED12.split(' ').slice(0, 11).join(' '));
    survives(SEED12.split(' ').slice(0, 11).join(' ') + ' the ' + SEED12.split(' ').slice(0, 11).join(' '));
    survives('Hello, I cannot access my account since yesterday. I tried to reset the password but the email never arrived.');
    survives('Please check the withdrawal: the amount was wrong and the fee seems high. Thank you for your help, best regards');
    survives('I want to buy more bitcoin but the order book shows a large spread, is this normal for this market today?');
    survives('abandon ability able about above absent ; absorb abstract absurd abuse access accident'.replace(';', 'and then we'));
  });
});

describe('secret scanner: private keys', () => {
  it('64 hex with and without 0x (a tx hash looks the same and is redacted on purpose)', () => {
    const hex = randomBytes(32).toString('hex');
    assert.deepEqual(kinds(`key ${hex} ok`), ['private_key']);
    assert.deepEqual(kinds(`key 0x${hex.toUpperCase()}`), ['private_key']);
    assert.equal(scanSecrets(`tx 0x${hex}.`).text, `tx ${redactionLabel('private_key')}.`);
  });

  it('WIF keys only when the base58check checksum is valid', () => {
    assert.deepEqual(kinds('5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ'), ['private_key']);
    assert.deepEqual(kinds('my key: KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617'), ['private_key']);
    // One character changed: no longer a WIF key (still high entropy, so it is caught as an API secret).
    assert.notDeepEqual(kinds('5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK'), ['private_key']);
  });

  it('extended private keys, but not extended public keys', () => {
    const xprv = 'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LN8AqFbHNbUYnNgSaHyGkEpTB3N3zhAaTE';
    assert.deepEqual(kinds(`here ${xprv}`), ['private_key']);
    assert.deepEqual(kinds(`here ${xprv.replace('xprv', 'zprv')}`), ['private_key']);
    assert.deepEqual(kinds(`here ${xprv.replace('xprv', 'tprv')}`), ['private_key']);
    const xpub = 'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8';
    assert.ok(!kinds(xpub).includes('private_key'));
  });

  it('PEM private key blocks, also when truncated; public keys survive', () => {
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----';
    const r = scanSecrets(`Coinbase key:\n${pem}\nthanks`);
    assert.deepEqual(r.findings.map((f) => f.kind), ['private_key']);
    assert.equal(r.text, `Coinbase key:\n${redactionLabel('private_key')}\nthanks`);
    assert.equal(scanSecrets('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC').text, redactionLabel('private_key'));
    survives('-----BEGIN PUBLIC KEY-----\nMFkwEwYH\n-----END PUBLIC KEY-----');
  });
});

describe('secret scanner: API secrets', () => {
  it('random base64, base64url, alphanumeric and long hex tokens', () => {
    for (let i = 0; i < 50; i++) {
      // 48+ characters: a pure-base58 token of <= 44 characters is kept as a possible Solana address (documented).
      assert.deepEqual(kinds(`secret=${randomBytes(48).toString('base64')}`), ['api_secret']);
      assert.deepEqual(kinds(`secret: ${randomBytes(40).toString('base64url')}`), ['api_secret']);
      assert.deepEqual(kinds(`${randomBytes(24).toString('hex')} is my secret`), ['api_secret']);
    }
    assert.deepEqual(kinds('api secret NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j'), ['api_secret']);
  });

  it('random tokens that happen to fit an address alphabet or hold a short word between slashes are still secrets', () => {
    // Seen as flakes before the fix: hex that fits the bech32 alphabet (no checksum), base64 with "/im/" inside,
    // base64url made only of letters.
    for (const t of [
      'afd107ac0d4dca53373462a568cdcd6c698a5fc067d58625',
      'f1f23daa9a5345e28dd03348988c0a0ccf42622484d67e53',
      'E/V4BLqr0MiZi2Nq5DgEjx3TXXwtQeJ8W/im/wRlFPtFgBTW7VFa42q1ZNZTOMQq',
      'QTnI43ytDMXO/tVhvhhhHMxc4UdyG/dI9VxkpbyLi1M/apnat/noi/3xbloAskVo',
      'DgUhFxQcBlkEWKgOkIVavvDEsEWnzDiLTKzeAyhpzXXsMhhBCfDHGA',
      'xzO-VKHVjGbU_ifTUWgucAyJraLLszqJstBshRPOSObXaaKAzwRcdw',
    ]) {
      assert.deepEqual(kinds(`secret: ${t}`), ['api_secret'], t);
    }
    // Many random tokens, so the rare shapes come up in every run.
    for (let i = 0; i < 2000; i++) {
      assert.deepEqual(kinds(`secret=${randomBytes(48).toString('base64')}`), ['api_secret']);
      assert.deepEqual(kinds(`secret: ${randomBytes(40).toString('base64url')}`), ['api_secret']);
      assert.deepEqual(kinds(`${randomBytes(24).toString('hex')} is my secret`), ['api_secret']);
    }
  });

  it('keeps wallet addresses of every common chain, UUIDs, URL paths and long words', () => {
    survives('send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa please');
    survives('P2SH 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy');
    survives('bech32 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq and taproot bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297');
    survives('ETH 0xde0B295669a9FD93d5F28D9Ec85E40f4cb697BAe');
    survives('TRON TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7 and Solana 7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV');
    // A synthetic LTC address with a valid bech32 checksum (bech32 strings count as addresses only when it holds).
    survives('XRP rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh LTC ltc1qr23clxd5mzfsh79vn6pg0kaytjeq8w4uac63a7');
    survives('Monero 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A');
    survives('order 0f8a3c2e-1b2c-4d5e-8f90-123456789abc failed');
    survives('see https://exchange.example/api/v1/support/tickets/0f8a3c2e-1b2c-4d5e-8f90-123456789abc/attachments');
    survives('the_quick_brown_fox_jumps_over_the_lazy_dog_again_and_again');
    survives('internationalization-and-localization-of-the-withdrawal-page');
    survives('InternationalizationAndLocalizationOfTheWithdrawalPageComponent');
    survives('PleaseHelpMeUnderstandWhyMyWithdrawalIsStillPendingSinceMonday');
    survives('0000000000000000000000000000000000000000000000'); // repeated, no entropy
  });
});

describe('secret scanner: card numbers', () => {
  it('Luhn-valid 13–19 digits with spaces or dashes', () => {
    assert.deepEqual(kinds('card 4111 1111 1111 1111 exp 12/29'), ['card_number']);
    assert.deepEqual(kinds('card 4111-1111-1111-1111'), ['card_number']);
    assert.deepEqual(kinds('5500005555555559'), ['card_number']);
    assert.deepEqual(kinds('amex 3782 822463 10005'), ['card_number']);
    assert.equal(scanSecrets('pay with 4111111111111111.').text, `pay with ${redactionLabel('card_number')}.`);
  });

  it('keeps Luhn-invalid order numbers, short numbers, phone numbers and dates', () => {
    survives('order 4111111111111112 is stuck');
    survives('order number 1234 5678 9012 3456');
    survives('call +44 20 7946 0958 on 2026-11-21');
    survives('amount 123456789012'); // 12 digits
  });
});

describe('secret scanner: combined', () => {
  it('several kinds in one text, distinct kinds in SECRET_KINDS order', () => {
    const text = `card 4111 1111 1111 1111, words ${SEED12}, key ${randomBytes(32).toString('hex')}`;
    const r = scanSecrets(text);
    assert.deepEqual(findingKinds(r.findings), ['seed_phrase', 'private_key', 'card_number']);
    assert.ok(!r.text.includes('4111'));
    assert.ok(!r.text.includes('abandon'));
    assert.deepEqual(SECRET_KINDS, ['seed_phrase', 'private_key', 'api_secret', 'card_number']);
  });

  it('redacted text is stable: scanning it again finds nothing', () => {
    const once = scanSecrets(`a ${SEED12} b 4111111111111111 c ${randomBytes(48).toString('base64')}`).text;
    assert.deepEqual(scanSecrets(once).findings, []);
  });

  it('never throws, never grows a finding outside the input, and always removes a planted seed phrase', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (a, b) => {
        const text = `${a} ${SEED12} ${b}`;
        const r = scanSecrets(text);
        for (const f of r.findings) assert.ok(f.start >= 0 && f.end <= text.length && f.start < f.end);
        assert.ok(!r.text.includes(SEED12));
      }),
      { numRuns: 300 },
    );
  });

  it('is fast on large inputs (no catastrophic backtracking)', () => {
    const t0 = Date.now();
    scanSecrets('1 '.repeat(50_000) + 'a'.repeat(100_000) + ' abandon'.repeat(20_000) + '-'.repeat(50_000));
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  });
});
