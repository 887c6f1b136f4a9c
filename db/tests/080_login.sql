-- Passwords and login: bcrypt hashes, the minimum length, and one CREDS error for every failure.
begin;
select plan(10);

insert into app_public.tenant (id, slug, name) values
  ('a0000000-0000-4000-8000-0000000000a1', 'tap-alpha', 'Tap Alpha Clinics'),
  ('b0000000-0000-4000-8000-0000000000b2', 'tap-beta', 'Tap Beta Labs');
insert into app_public.app_user (id, email, name) values
  ('c0000000-0000-4000-8000-0000000000c1', 'sam.staff@tap.test', 'Sam Staff'),
  ('c0000000-0000-4000-8000-0000000000c2', 'cy.customer@tap.test', 'Cy Customer'),
  ('c0000000-0000-4000-8000-0000000000c3', 'no.role@tap.test', 'No Role');
insert into app_public.membership (tenant_id, user_id, role) values
  ('a0000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-0000000000c1', 'staff');
insert into app_public.customer (tenant_id, name, user_id) values
  ('a0000000-0000-4000-8000-0000000000a1', 'Cy Customer', 'c0000000-0000-4000-8000-0000000000c2');

-- should fail with WEAKP: nine characters
select throws_ok($$select app_private.set_password('c0000000-0000-4000-8000-0000000000c1', 'short-pw9')$$, 'WEAKP', null, 'a password under 10 characters is refused');
-- should succeed: a long enough password is stored as a bcrypt hash, not in clear
select app_private.set_password(id, 'a long enough password') from app_public.app_user where email like '%@tap.test';
select ok((select password_hash like '$2a$10$%' and password_hash <> 'a long enough password' from app_private.user_secret where user_id = 'c0000000-0000-4000-8000-0000000000c1'),
  'the password is stored as a bcrypt hash');

set local role app_anonymous;
-- should succeed: staff get app_staff for their tenant
select results_eq($$select role, tenant_id, user_id from app_private.authenticate('tap-alpha', 'SAM.STAFF@tap.test', 'a long enough password')$$,
  $$values ('app_staff'::text, 'a0000000-0000-4000-8000-0000000000a1'::uuid, 'c0000000-0000-4000-8000-0000000000c1'::uuid)$$,
  'staff log in as app_staff (email case-insensitive)');
-- should succeed: a customer with a login gets app_customer
select results_eq($$select role from app_private.authenticate('tap-alpha', 'cy.customer@tap.test', 'a long enough password')$$,
  $$values ('app_customer'::text)$$, 'a customer logs in as app_customer');
-- should fail with CREDS: wrong password
select throws_ok($$select * from app_private.authenticate('tap-alpha', 'sam.staff@tap.test', 'wrong password here')$$, 'CREDS', 'Wrong tenant, email or password', 'a wrong password is CREDS');
-- should fail with CREDS: unknown email
select throws_ok($$select * from app_private.authenticate('tap-alpha', 'nobody@tap.test', 'a long enough password')$$, 'CREDS', 'Wrong tenant, email or password', 'an unknown email is CREDS');
-- should fail with CREDS: a member of another tenant
select throws_ok($$select * from app_private.authenticate('tap-beta', 'sam.staff@tap.test', 'a long enough password')$$, 'CREDS', 'Wrong tenant, email or password', 'no role in the tenant is CREDS');
-- should fail with CREDS: a user with no membership and no customer record
select throws_ok($$select * from app_private.authenticate('tap-alpha', 'no.role@tap.test', 'a long enough password')$$, 'CREDS', 'Wrong tenant, email or password', 'a user without a role is CREDS');
-- should fail with CREDS: unknown tenant
select throws_ok($$select * from app_private.authenticate('no-such-tenant', 'sam.staff@tap.test', 'a long enough password')$$, 'CREDS', 'Wrong tenant, email or password', 'an unknown tenant is CREDS');
-- should fail with 42501: visitors cannot set passwords
select throws_ok($$select app_private.set_password('c0000000-0000-4000-8000-0000000000c1', 'another long password')$$, '42501', null, 'anonymous cannot call set_password');
reset role;

select * from finish();
rollback;
