// Clerk's derived user fields (primaryEmailAddress, emailAddresses, fullName, …) made from a Gatehouse user record.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withClerkUserFields } from '@gatehouse/core';

const record = {
  id: 'user_abcdefghijklmnopqrstuvwxyz',
  email: 'ada@example.com',
  emailVerified: true,
  firstName: 'Ada',
  lastName: 'Lovelace',
  imageUrl: 'https://img.example.com/ada.png',
  publicMetadata: { plan: 'pro' },
};

test('adds the Clerk-shaped fields and keeps every Gatehouse field', () => {
  const user = withClerkUserFields(record);
  const address = { id: 'idn_abcdefghijklmnopqrstuvwxyz', emailAddress: 'ada@example.com', verification: { status: 'verified' } };
  assert.deepEqual(user, {
    ...record,
    primaryEmailAddressId: address.id,
    primaryEmailAddress: address,
    emailAddresses: [address],
    fullName: 'Ada Lovelace',
    username: null,
    hasImage: true,
  });
  // As Clerk's docs read them.
  assert.equal(user.primaryEmailAddress?.emailAddress, 'ada@example.com');
  assert.equal(user.emailAddresses[0]?.emailAddress, user.email);
  assert.equal(user.emailAddresses.find((e) => e.id === user.primaryEmailAddressId)?.emailAddress, 'ada@example.com');
  assert.equal(record.email, 'ada@example.com', 'the record itself is not changed');
  assert.equal('fullName' in record, false);
});

test('fullName from what is there; null without names; unverified and no image', () => {
  const bare = { ...record, emailVerified: false, firstName: null, lastName: null, imageUrl: null };
  const user = withClerkUserFields(bare);
  assert.equal(user.fullName, null);
  assert.equal(user.hasImage, false);
  assert.equal(user.primaryEmailAddress?.verification.status, 'unverified');
  assert.equal(withClerkUserFields({ ...bare, lastName: 'Lovelace' }).fullName, 'Lovelace');
  assert.equal(withClerkUserFields({ ...bare, firstName: 'Ada' }).fullName, 'Ada');
});

test('the derived address objects are read-only', () => {
  const user = withClerkUserFields(record);
  assert.throws(() => {
    (user.primaryEmailAddress as { emailAddress: string }).emailAddress = 'mallory@example.com';
  }, TypeError);
  assert.throws(() => {
    (user.emailAddresses as unknown as unknown[]).push({});
  }, TypeError);
});
