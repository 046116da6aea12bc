-- +goose Up
CREATE TABLE invoice_audit (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  invoice_id BIGINT NOT NULL,
  changed_at DATETIME NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER invoices_audit AFTER UPDATE ON invoices
FOR EACH ROW
BEGIN
  INSERT INTO invoice_audit (invoice_id, changed_at) VALUES (NEW.id, NOW());
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER invoices_audit;
DROP TABLE invoice_audit;
