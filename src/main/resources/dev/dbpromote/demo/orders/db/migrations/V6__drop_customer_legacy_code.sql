-- dbpromote:allow bluegreen-incompatible customers takes no writes while a promotion runs (ORD-901)
-- dbpromote:allow drop-column legacy_code has been unused since the 2025-03 release (ORD-812)
ALTER TABLE customers DROP COLUMN legacy_code;
