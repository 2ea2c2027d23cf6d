-- A password another person set (an administrator adding an account or resetting its
-- password in the console) is temporary: its holder must choose their own before the
-- console lets them do anything else.
ALTER TABLE accounts ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- Sign-in no longer locks accounts (failures are limited per login and address): lift
-- the locks and counts an earlier version left behind.
UPDATE accounts SET failed_logins = 0, locked_until = NULL;
