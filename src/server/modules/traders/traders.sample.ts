// The sample trader of the "what can this role see" page: fixed, synthetic data (nobody's real details; the
// IBAN is the standard Portuguese example, the wallet addresses are well-known documentation addresses, the
// domain is reserved for testing). Every field has a value, the secret one included, so the preview shows what
// a role sees of each class, and shows that nobody ever sees the secret.
import type { TraderRecord } from './traders.fields.js';

export const SAMPLE_TRADER_ID = '00000000-0000-4000-8000-000000000000';

export const SAMPLE_TRADER: Readonly<Required<TraderRecord>> = Object.freeze({
  accountRef: 'ACC-SAMPLE-0001',
  kind: 'individual',
  status: 'active',
  country: 'PT',
  displayName: 'Joana',
  createdAt: '2026-01-15T10:00:00.000Z',
  vip: false,
  legalName: 'Joana Exemplo Silva',
  dateOfBirth: '1988-04-23',
  idDocumentNumber: 'P1234567',
  registrationNumber: null,
  directors: [],
  ubos: [],
  email: 'joana.silva@example.test',
  phone: '+351 912 345 678',
  bankAccount: 'PT50000201231234567890154',
  wallets: [
    { chain: 'ETH', address: '0x52908400098527886E0F7030069857D2E4169EE7' },
    { chain: 'BTC', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
  ],
  balances: [
    { asset: 'BTC', amount: '0.84210000' },
    { asset: 'EUR', amount: '12500.00' },
  ],
  activityBand: 'medium',
  tradingVolume30d: '48210.55 EUR',
  twoFactorEnabled: true,
  apiKey: 'bwk_live_7Hq2mX9pLr4T',
  apiSecret: 'SAMPLE-SECRET-never-shown-0f3a9c',
  antiPhishingCode: 'SAMPLE-APC-never-shown',
});
