-- +goose Up
CREATE TABLE invoices (
  id BIGINT PRIMARY KEY AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  currency CHAR(3) NOT NULL DEFAULT 'EUR',
  issued_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE invoices;
