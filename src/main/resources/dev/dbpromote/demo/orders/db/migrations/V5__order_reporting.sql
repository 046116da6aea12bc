-- dbpromote:allow bluegreen-incompatible order_items takes no writes while a promotion runs (orders only; ORD-901)
-- PR 42: the reporting page filters by status and date.
CREATE INDEX ix_orders_status_created ON orders (status, created_at);

-- Prices get more room. A type change rebuilds the table: lint warns, the rehearsal times it.
ALTER TABLE order_items MODIFY price DECIMAL(12,2) NULL;
