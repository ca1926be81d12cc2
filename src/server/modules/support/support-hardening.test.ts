// Small pieces of the support desk that text from traders reaches: canned-reply filling and the download header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDisposition } from './support.attachments.js';
import { renderCanned } from './support.service.js';

describe('support: text from traders is text', () => {
  it('a trader name holding replacement patterns ($&, $`, $\', $1) is inserted as written', () => {
    for (const name of ["$&", '$`', "$'", '$1', '$$']) {
      assert.equal(renderCanned('Hello {{displayName}}, thanks.', { displayName: name }), `Hello ${name}, thanks.`);
    }
    assert.equal(renderCanned('{{ displayName }} / {{displayName}}', { displayName: 'Ada' }), 'Ada / Ada');
  });

  it('Content-Disposition: a quoted ASCII fallback and an RFC 5987 filename* with no raw quote or parenthesis', () => {
    const h = contentDisposition(`O'Brien (copy)*"evil";.pdf`, true);
    assert.match(h, /^inline; filename="O'Brien \(copy\)\*_evil__\.pdf"; filename\*=UTF-8''/);
    const star = h.split("filename*=UTF-8''")[1]!;
    assert.doesNotMatch(star, /['()*";\s]/);
    assert.equal(decodeURIComponent(star), `O'Brien (copy)*"evil";.pdf`);
    assert.match(contentDisposition('résumé.png', false), /^attachment; filename="r_sum_\.png"; filename\*=UTF-8''r%C3%A9sum%C3%A9\.png$/);
  });
});
