-- PR 42: orders remember where they came from. ADD COLUMN at the end with a DEFAULT is instant on
-- MariaDB 10.3+ / MySQL 8.0.12+ and safe for Blue/Green replication.
ALTER TABLE orders ADD COLUMN channel VARCHAR(20) NOT NULL DEFAULT 'web';
