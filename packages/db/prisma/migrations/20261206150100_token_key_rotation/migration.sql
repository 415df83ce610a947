-- Tokens decrypt under the current key or, while a key is being rotated, the previous one.
-- The keys are always arguments (bind parameters of the caller), never part of SQL text.

-- Whether `key` decrypts `cipher`; NULL for a NULL cipher.
CREATE FUNCTION "token_key_fits"("cipher" BYTEA, "key" TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql STRICT AS $$
BEGIN
  PERFORM pgp_sym_decrypt("cipher", "key");
  RETURN true;
EXCEPTION WHEN external_routine_invocation_exception THEN
  -- pgcrypto's "Wrong key or corrupt data".
  RETURN false;
END $$;

-- The token, decrypted with the first of `keys` that fits (one decryption when it is the first);
-- pgcrypto's error when none does.
CREATE FUNCTION "token_decrypt"("cipher" BYTEA, "keys" TEXT[]) RETURNS TEXT
LANGUAGE plpgsql STRICT AS $$
BEGIN
  FOR "i" IN 1 .. array_length("keys", 1) - 1 LOOP
    BEGIN
      RETURN pgp_sym_decrypt("cipher", "keys"["i"]);
    EXCEPTION WHEN external_routine_invocation_exception THEN
      NULL; -- not this key: the next one
    END;
  END LOOP;
  RETURN pgp_sym_decrypt("cipher", "keys"[array_length("keys", 1)]);
END $$;
