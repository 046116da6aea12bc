-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX ix_invoices_order ON invoices (order_id);
ALTER TABLE invoices ADD COLUMN paid_at DATETIME NULL;

-- +goose Down
ALTER TABLE invoices DROP COLUMN paid_at;
DROP INDEX ix_invoices_order ON invoices;
