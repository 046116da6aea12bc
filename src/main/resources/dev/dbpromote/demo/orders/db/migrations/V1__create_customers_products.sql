CREATE TABLE customers (
  id BIGINT PRIMARY KEY,
  email VARCHAR(200) NOT NULL,
  name VARCHAR(100) NOT NULL,
  country CHAR(2) NOT NULL,
  legacy_code VARCHAR(20) NULL,
  created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX ux_customers_email ON customers (email);

CREATE TABLE products (
  id INT PRIMARY KEY,
  sku VARCHAR(20) NOT NULL,
  name VARCHAR(100) NOT NULL,
  price DECIMAL(10,2) NOT NULL
);
