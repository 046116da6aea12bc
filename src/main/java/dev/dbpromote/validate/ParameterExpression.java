package dev.dbpromote.validate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Great Expectations evaluation-parameter expression: the text of {@code {"$PARAMETER": "…"}} when it is more
 * than one name, such as {@code upstream_row_count * 0.9}, {@code trunc((a + b) / 2)} or
 * {@code now() - timedelta(days=7)}.
 *
 * <pre>{@code
 * ParameterExpression e = ParameterExpression.parse("trunc(rows * 0.9)");
 * e.names();                                          // [rows]
 * e.evaluate(Map.of("rows", "11")::get, now);         // 9L
 * }</pre>
 *
 * <p>The language and its results are GX's ({@code EvaluationParameterParser} in
 * {@code great_expectations/core/evaluation_parameters.py}, 0.15–0.18; {@code suite_parameters.py} in 1.x):
 * <ul>
 * <li>{@code + -} below {@code * /} below {@code ^} (power, right-associative: {@code 2^3^2} is {@code 2^9}); a sign
 *     belongs to its operand, so {@code -2^2} is {@code (-2)^2 = 4} and {@code 2^-1} is {@code 0.5}, as in GX.</li>
 * <li>Integer arithmetic stays integer ({@link Long}); a decimal operand, {@code /}, a negative power and
 *     {@code sin cos tan exp} give a decimal ({@link BigDecimal}, at least one fraction digit, like GX's float).</li>
 * <li>Functions {@code abs trunc round sgn sin cos tan exp}, constants {@code PI E}, and {@code now()},
 *     {@code datetime(year, month, day[, hour, minute, second, microsecond])},
 *     {@code timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)} with Python's argument
 *     names and order; arguments are all positional or all keyword, as GX's grammar requires.</li>
 * <li>date ± timedelta is a date, date − date a timedelta; timedeltas add, subtract, scale and divide like
 *     Python's. A parameter in an expression must be a number or an ISO date (GX tries int, float, then a date).</li>
 * <li>{@code urn:great_expectations:…} metric references are operands named by the whole URN.</li>
 * </ul>
 * Deliberate differences: numbers are exact decimals, not binary floats ({@code 0.1 + 0.2} is {@code 0.3}, and
 * {@code round} rounds half to even on the decimal value); {@code now()} is UTC, not the machine's local time, and
 * one instant for the whole suite; a date result is {@code yyyy-MM-dd HH:mm:ss[.ffffff]} text, which MySQL and
 * MariaDB read as a DATETIME when compared with a date column.
 *
 * <p>Written by hand rather than with an expression library: EvalEx (the obvious candidate) reads {@code =} as
 * a comparison, so it cannot parse {@code timedelta(days=7)}; its tokenizer cannot read a URN with {@code :} and
 * {@code =} as one operand; it has one number type where GX distinguishes int from float results; and its wider
 * language (strings, comparisons, implicit multiplication as in {@code 2x}) would accept suites GX rejects.
 * GX's grammar is five rules; a recursive-descent parser states them directly.
 */
final class ParameterExpression {

    static final String URN_PREFIX = "urn:great_expectations:";
    /** One operand: a parameter name, or a GX metric URN (GX's own character set for both). */
    private static final Pattern OPERAND = Pattern.compile(Pattern.quote(URN_PREFIX) + "[A-Za-z][A-Za-z0-9_$:?=%.&]*"
            + "|[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern NUMBER = Pattern.compile("(?:\\d+(?:\\.\\d+)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    /** GX's float results have double precision; ours keep that many digits when a quotient does not terminate. */
    private static final MathContext FLOAT = MathContext.DECIMAL64;
    /** GX's {@code sgn} treats |x| ≤ 1e-12 as zero. */
    private static final BigDecimal EPSILON = new BigDecimal("1e-12");
    private static final BigDecimal MICROS_PER_SECOND = BigDecimal.valueOf(1_000_000);
    /** Python's timedelta limit is 999,999,999 days; this is what fits a long of microseconds (~290,000 years). */
    private static final BigDecimal MAX_MICROS = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final int MAX_LENGTH = 2000;
    private static final int MAX_NESTING = 50;
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);
    static final String LANGUAGE = "GX expressions use numbers, parameter names, + - * / ^ (power), parentheses and"
            + " abs, trunc, round, sgn, sin, cos, tan, exp, now(), datetime(y, m, d), timedelta(days=…, hours=…)";

    /** Why an expression cannot be read or evaluated; the message says what to write instead. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private final Node root;
    private final Set<String> names;

    private ParameterExpression(Node root, Set<String> names) {
        this.root = root;
        this.names = Collections.unmodifiableSet(names);
    }

    /** Whether the text is one operand (a name or a URN) rather than an expression: GX substitutes those as they are. */
    static boolean isOperand(String text) {
        return OPERAND.matcher(text.strip()).matches();
    }

    static ParameterExpression parse(String text) throws Invalid {
        // Bounds keep the recursive parser and evaluator far from the stack's limit; real bounds are one line.
        if (text.length() > MAX_LENGTH) {
            throw new Invalid("the expression is " + text.length() + " characters long; at most " + MAX_LENGTH + " are read");
        }
        Parser p = new Parser(text);
        Node root = p.expression();
        if (p.peek().kind() != Kind.END) {
            throw p.unexpected("an operator (+ - * / ^)");
        }
        return new ParameterExpression(root, p.names);
    }

    /** Parameters and URNs the expression reads, in order of appearance. */
    Set<String> names() {
        return names;
    }

    /**
     * @param parameters a parameter's text by name (null: no value)
     * @param now what {@code now()} returns (UTC)
     * @return a {@link Long}, a {@link BigDecimal}, or a date as {@code yyyy-MM-dd HH:mm:ss[.ffffff]}
     */
    Object evaluate(Function<String, String> parameters, LocalDateTime now) throws Invalid {
        Value v = root.eval(new Env(parameters, now));
        if (v instanceof Num n) {
            if (n.integral()) {
                BigDecimal d = n.value();
                return d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0 && d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
                        ? (Object) d.longValueExact() : d.setScale(0, RoundingMode.UNNECESSARY);
            }
            BigDecimal d = n.value().stripTrailingZeros();
            return d.scale() < 1 ? d.setScale(1, RoundingMode.UNNECESSARY) : d;
        }
        if (v instanceof Moment m) {
            return format(m.value());
        }
        throw new Invalid("the result is a timedelta (a duration), not a value to compare with; add it to or subtract it"
                + " from a date, e.g. now() - timedelta(days=7)");
    }

    static String format(LocalDateTime d) {
        int micros = d.getNano() / 1000;
        return d.format(SECONDS) + (micros == 0 ? "" : String.format(Locale.ROOT, ".%06d", micros));
    }

    // ---- values -------------------------------------------------------------------------------------------------

    private sealed interface Value permits Num, Moment, Span {
    }

    /** A number; {@code integral} is GX's int (as opposed to float). */
    private record Num(BigDecimal value, boolean integral) implements Value {
        static Num integer(BigDecimal v) {
            return new Num(v, true);
        }

        static Num decimal(BigDecimal v) {
            return new Num(v, false);
        }

        static Num ofDouble(double d, String what) throws Invalid {
            if (Double.isNaN(d)) {
                throw new Invalid(what + " is not a real number");
            }
            if (Double.isInfinite(d)) {
                throw new Invalid(what + " is too large");
            }
            return decimal(BigDecimal.valueOf(d));
        }
    }

    /** A date and time (Python datetime, naive, microsecond precision). */
    private record Moment(LocalDateTime value) implements Value {
    }

    /** A duration (Python timedelta, microsecond precision). */
    private record Span(Duration value) implements Value {
        long micros() {
            return value.getSeconds() * 1_000_000L + value.getNano() / 1000;
        }
    }

    private static String kind(Value v) {
        return v instanceof Num ? "a number" : v instanceof Moment ? "a date" : "a timedelta";
    }

    // ---- tree ---------------------------------------------------------------------------------------------------

    private record Env(Function<String, String> parameters, LocalDateTime now) {
    }

    private interface Node {
        Value eval(Env env) throws Invalid;
    }

    private record Literal(Value value) implements Node {
        public Value eval(Env env) {
            return value;
        }
    }

    private record Parameter(String name) implements Node {
        public Value eval(Env env) throws Invalid {
            String raw = env.parameters().apply(name);
            if (raw == null) {
                throw new Invalid("suite parameter " + name + " has no value");
            }
            return operand(name, raw);
        }
    }

    private record Negate(Node operand) implements Node {
        public Value eval(Env env) throws Invalid {
            Value v = operand.eval(env);
            if (v instanceof Num n) {
                return new Num(n.value().negate(), n.integral());
            }
            if (v instanceof Span s) {
                return new Span(s.value().negated());
            }
            throw new Invalid("cannot negate a date");
        }
    }

    private record Binary(char op, Node left, Node right) implements Node {
        public Value eval(Env env) throws Invalid {
            Value l = left.eval(env);
            Value r = right.eval(env);
            if (l instanceof Num a && r instanceof Num b) {
                return arithmetic(op, a, b);
            }
            return temporal(op, l, r);
        }
    }

    private record Call(Fn fn, Node[] slots) implements Node {
        public Value eval(Env env) throws Invalid {
            Value[] args = new Value[slots.length];
            for (int i = 0; i < slots.length; i++) {
                args[i] = slots[i] == null ? null : slots[i].eval(env);
            }
            return fn.apply(args, env);
        }
    }

    // ---- arithmetic ---------------------------------------------------------------------------------------------

    private static Num arithmetic(char op, Num a, Num b) throws Invalid {
        boolean ints = a.integral() && b.integral();
        BigDecimal x = a.value();
        BigDecimal y = b.value();
        return switch (op) {
            case '+' -> new Num(x.add(y), ints);
            case '-' -> new Num(x.subtract(y), ints);
            case '*' -> new Num(x.multiply(y), ints);
            case '/' -> Num.decimal(divide(x, y));
            default -> power(a, b);
        };
    }

    private static BigDecimal divide(BigDecimal x, BigDecimal y) throws Invalid {
        if (y.signum() == 0) {
            throw new Invalid("division by zero");
        }
        try {
            return x.divide(y);
        } catch (ArithmeticException nonTerminating) {
            return x.divide(y, FLOAT);
        }
    }

    private static Num power(Num a, Num b) throws Invalid {
        BigDecimal x = a.value();
        BigDecimal y = b.value();
        boolean wholeExponent = y.stripTrailingZeros().scale() <= 0;
        if (wholeExponent && y.abs().compareTo(BigDecimal.valueOf(9999)) <= 0) {
            int n = y.intValueExact();
            if (n < 0 && x.signum() == 0) {
                throw new Invalid("0 cannot be raised to a negative power (division by zero)");
            }
            // Exact powers only while the result stays a sensible size for a bound (GX's ints are unbounded).
            long bits = x.unscaledValue().abs().bitLength() * (long) Math.abs(n);
            if (bits > 4000) {
                throw new Invalid("the power " + x.toPlainString() + " ^ " + n + " is too large");
            }
            if (a.integral() && b.integral() && n >= 0) {
                return Num.integer(x.pow(n));
            }
            return Num.decimal(n >= 0 ? x.pow(n) : BigDecimal.ONE.divide(x.pow(-n), FLOAT));
        }
        String what = x.toPlainString() + " ^ " + y.toPlainString();
        if (x.signum() < 0 && !wholeExponent) {
            throw new Invalid(what + " is not a real number (a negative number to a fractional power)");
        }
        return Num.ofDouble(Math.pow(x.doubleValue(), y.doubleValue()), what);
    }

    /** Python's datetime/timedelta operators; everything else mixing dates and numbers is an error. */
    private static Value temporal(char op, Value l, Value r) throws Invalid {
        if (op == '+' && l instanceof Moment m && r instanceof Span s) {
            return moved(m.value(), s.value());
        }
        if (op == '+' && l instanceof Span s && r instanceof Moment m) {
            return moved(m.value(), s.value());
        }
        if (op == '-' && l instanceof Moment m && r instanceof Span s) {
            return moved(m.value(), s.value().negated());
        }
        if (op == '-' && l instanceof Moment a && r instanceof Moment b) {
            return new Span(Duration.between(b.value(), a.value()));
        }
        if ((op == '+' || op == '-') && l instanceof Span a && r instanceof Span b) {
            return span(BigDecimal.valueOf(a.micros()).add(BigDecimal.valueOf(op == '+' ? b.micros() : -b.micros())));
        }
        if (op == '*' && l instanceof Span s && r instanceof Num n) {
            return span(BigDecimal.valueOf(s.micros()).multiply(n.value()));
        }
        if (op == '*' && l instanceof Num n && r instanceof Span s) {
            return span(BigDecimal.valueOf(s.micros()).multiply(n.value()));
        }
        if (op == '/' && l instanceof Span s && r instanceof Num n) {
            if (n.value().signum() == 0) {
                throw new Invalid("division by zero");
            }
            return span(BigDecimal.valueOf(s.micros()).divide(n.value(), MathContext.DECIMAL128));
        }
        if (op == '/' && l instanceof Span a && r instanceof Span b) {
            return Num.decimal(divide(BigDecimal.valueOf(a.micros()), BigDecimal.valueOf(b.micros())));
        }
        String what = switch (op) {
            case '+' -> "add " + kind(r) + " to " + kind(l);
            case '-' -> "subtract " + kind(r) + " from " + kind(l);
            case '*' -> "multiply " + kind(l) + " by " + kind(r);
            case '/' -> "divide " + kind(l) + " by " + kind(r);
            default -> "raise " + kind(l) + " to the power of " + kind(r);
        };
        throw new Invalid("cannot " + what + ": a date moves by a timedelta, e.g. now() - timedelta(days=7),"
                + " and date - date is a timedelta");
    }

    private static Moment moved(LocalDateTime d, Duration by) throws Invalid {
        try {
            LocalDateTime r = d.plus(by);
            if (r.getYear() >= 1 && r.getYear() <= 9999) {
                return new Moment(r);
            }
        } catch (DateTimeException | ArithmeticException outOfRange) {
            // reported below
        }
        throw new Invalid("the date is out of range (years 1 to 9999, as in GX)");
    }

    /** Python rounds timedelta arithmetic to whole microseconds, half to even. */
    private static Span span(BigDecimal micros) throws Invalid {
        BigDecimal whole = micros.setScale(0, RoundingMode.HALF_EVEN);
        if (whole.abs().compareTo(MAX_MICROS) > 0) {
            throw new Invalid("the timedelta is too large");
        }
        return new Span(Duration.of(whole.longValueExact(), ChronoUnit.MICROS));
    }

    // ---- parameter values ---------------------------------------------------------------------------------------

    /** GX turns a substituted value into int, else float, else a date; anything else cannot be computed with. */
    private static Value operand(String name, String raw) throws Invalid {
        String s = raw.strip();
        if (INTEGER.matcher(s).matches()) {
            return Num.integer(new BigDecimal(s));
        }
        if (DECIMAL.matcher(s).matches()) {
            return Num.decimal(new BigDecimal(s));
        }
        LocalDateTime d = date(s);
        if (d != null) {
            return new Moment(d);
        }
        throw new Invalid("suite parameter " + name + " is '" + raw + "', neither a number nor a date (2025-06-30,"
                + " 2025-06-30 12:00:00, or ISO 8601 with an offset); an expression computes only with those");
    }

    /** ISO dates and date-times, with {@code T} or a space; an offset is converted to UTC, like {@code now()}. */
    static LocalDateTime date(String s) {
        String t = s.replace(' ', 'T');
        try {
            return LocalDate.parse(s).atStartOfDay();
        } catch (DateTimeParseException notADate) {
            // try the longer forms
        }
        try {
            return LocalDateTime.parse(t).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException notLocal) {
            // try with an offset
        }
        try {
            return OffsetDateTime.parse(t).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException notOffset) {
            return null;
        }
    }

    // ---- functions ----------------------------------------------------------------------------------------------

    /** GX's functions. Keyword names are Python's; GX accepts them for any function, we for those Python does. */
    private enum Fn {
        ABS(1, 1),
        TRUNC(1, 1),
        ROUND(1, 2, "number", "ndigits"),
        SGN(1, 1),
        SIN(1, 1),
        COS(1, 1),
        TAN(1, 1),
        EXP(1, 1),
        NOW(0, 0),
        DATETIME(3, 7, "year", "month", "day", "hour", "minute", "second", "microsecond"),
        TIMEDELTA(0, 7, "days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks");

        /** Microseconds per unit of each timedelta argument, in Python's positional order. */
        private static final long[] TIMEDELTA_MICROS = {86_400_000_000L, 1_000_000L, 1L, 1_000L, 60_000_000L,
            3_600_000_000L, 604_800_000_000L};

        final int min;
        final int max;
        final List<String> keywords;

        Fn(int min, int max, String... keywords) {
            this.min = min;
            this.max = max;
            this.keywords = List.of(keywords);
        }

        String gxName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Fn byName(String name) {
            for (Fn f : values()) {
                if (f.gxName().equals(name)) {
                    return f;
                }
            }
            return null;
        }

        static List<String> names() {
            return Arrays.stream(values()).map(Fn::gxName).toList();
        }

        Value apply(Value[] a, Env env) throws Invalid {
            return switch (this) {
                case ABS -> {
                    if (a[0] instanceof Span s) {
                        yield new Span(s.value().abs());
                    }
                    Num n = number(a[0]);
                    yield new Num(n.value().abs(), n.integral());
                }
                case TRUNC -> Num.integer(number(a[0]).value().setScale(0, RoundingMode.DOWN));
                case ROUND -> round(number(a[0]), a[1]);
                case SGN -> {
                    BigDecimal v = number(a[0]).value();
                    yield Num.integer(BigDecimal.valueOf(v.compareTo(EPSILON) > 0 ? 1 : v.compareTo(EPSILON.negate()) < 0 ? -1 : 0));
                }
                case SIN, COS, TAN, EXP -> {
                    BigDecimal x = number(a[0]).value();
                    double d = x.doubleValue();
                    double r = this == SIN ? Math.sin(d) : this == COS ? Math.cos(d) : this == TAN ? Math.tan(d) : Math.exp(d);
                    yield Num.ofDouble(r, gxName() + "(" + x.toPlainString() + ")");
                }
                case NOW -> new Moment(env.now());
                case DATETIME -> datetime(a);
                case TIMEDELTA -> {
                    BigDecimal micros = BigDecimal.ZERO;
                    for (int i = 0; i < a.length; i++) {
                        if (a[i] != null) {
                            micros = micros.add(number(a[i], keywords.get(i)).value().multiply(BigDecimal.valueOf(TIMEDELTA_MICROS[i])));
                        }
                    }
                    yield span(micros);
                }
            };
        }

        private Num number(Value v) throws Invalid {
            return number(v, null);
        }

        private Num number(Value v, String argument) throws Invalid {
            if (v instanceof Num n) {
                return n;
            }
            throw new Invalid(gxName() + (argument == null ? "" : "'s " + argument) + " needs a number, got " + kind(v));
        }

        /** Python's round: half to even; an int without ndigits, else the type of the number. */
        private Num round(Num n, Value ndigits) throws Invalid {
            if (ndigits == null) {
                return Num.integer(n.value().setScale(0, RoundingMode.HALF_EVEN));
            }
            int digits = whole(ndigits, "ndigits", -1000, 1000);
            BigDecimal r = n.value().setScale(digits, RoundingMode.HALF_EVEN);
            return n.integral() ? Num.integer(r.setScale(0, RoundingMode.UNNECESSARY)) : Num.decimal(r);
        }

        private Moment datetime(Value[] a) throws Invalid {
            int[] f = new int[7];
            int[][] ranges = {{1, 9999}, {1, 12}, {1, 31}, {0, 23}, {0, 59}, {0, 59}, {0, 999_999}};
            for (int i = 0; i < 7; i++) {
                f[i] = a[i] == null ? 0 : whole(a[i], keywords.get(i), ranges[i][0], ranges[i][1]);
            }
            try {
                return new Moment(LocalDateTime.of(f[0], f[1], f[2], f[3], f[4], f[5], f[6] * 1000));
            } catch (DateTimeException e) {
                throw new Invalid("datetime(" + f[0] + ", " + f[1] + ", " + f[2] + ") is not a date: " + e.getMessage());
            }
        }

        private int whole(Value v, String argument, int min, int max) throws Invalid {
            Num n = number(v, argument);
            if (!n.integral() || n.value().compareTo(BigDecimal.valueOf(min)) < 0 || n.value().compareTo(BigDecimal.valueOf(max)) > 0) {
                throw new Invalid(gxName() + "'s " + argument + " must be a whole number from " + min + " to " + max
                        + ", got " + n.value().toPlainString());
            }
            return n.value().intValueExact();
        }
    }

    // ---- parser -------------------------------------------------------------------------------------------------

    private enum Kind { NUMBER, NAME, OPERATOR, OPEN, CLOSE, COMMA, EQUALS, END }

    private record Token(Kind kind, String text, int column) {
        String shown() {
            return kind == Kind.END ? "the end" : "'" + text + "'";
        }
    }

    /**
     * GX's grammar, one method per rule:
     * <pre>
     * expression := term (('+' | '-') term)*
     * term       := factor (('*' | '/') factor)*
     * factor     := atom ('^' factor)?                 right-associative
     * atom       := ('+' | '-')* (number | PI | E | call | name | '(' expression ')')
     * call       := name '(' [expression (',' expression)* | key '=' expression (',' key '=' expression)*] ')'
     * </pre>
     */
    private static final class Parser {
        private final String text;
        private final List<Token> tokens;
        private final Set<String> names = new LinkedHashSet<>();
        private int next;
        private int nesting;

        Parser(String text) throws Invalid {
            this.text = text;
            this.tokens = tokenize(text);
        }

        Token peek() {
            return tokens.get(next);
        }

        Token take() {
            return tokens.get(next++);
        }

        Node expression() throws Invalid {
            Node left = term();
            while (peek().kind() == Kind.OPERATOR && (peek().text().equals("+") || peek().text().equals("-"))) {
                char op = take().text().charAt(0);
                left = new Binary(op, left, term());
            }
            return left;
        }

        private Node term() throws Invalid {
            Node left = factor();
            while (peek().kind() == Kind.OPERATOR && (peek().text().equals("*") || peek().text().equals("/"))) {
                char op = take().text().charAt(0);
                left = new Binary(op, left, factor());
            }
            return left;
        }

        private Node factor() throws Invalid {
            Node base = atom();
            if (peek().kind() == Kind.OPERATOR && peek().text().equals("^")) {
                take();
                return new Binary('^', base, factor());
            }
            return base;
        }

        private Node atom() throws Invalid {
            boolean negative = false;
            while (peek().kind() == Kind.OPERATOR && (peek().text().equals("+") || peek().text().equals("-"))) {
                negative ^= take().text().equals("-");
            }
            Node n = primary();
            return negative ? new Negate(n) : n;
        }

        private Node primary() throws Invalid {
            Token t = peek();
            switch (t.kind()) {
                case NUMBER -> {
                    take();
                    BigDecimal v = new BigDecimal(t.text());
                    return new Literal(INTEGER.matcher(t.text()).matches() ? Num.integer(v) : Num.decimal(v));
                }
                case OPEN -> {
                    take();
                    if (++nesting > MAX_NESTING) {
                        throw new Invalid("parentheses nest more than " + MAX_NESTING + " deep at column " + t.column());
                    }
                    Node inner = expression();
                    nesting--;
                    if (peek().kind() != Kind.CLOSE) {
                        throw unexpected("')' to close the '(' at column " + t.column());
                    }
                    take();
                    return inner;
                }
                case NAME -> {
                    take();
                    if (peek().kind() == Kind.OPEN) {
                        return call(t);
                    }
                    if (t.text().equalsIgnoreCase("pi")) {
                        return new Literal(Num.decimal(BigDecimal.valueOf(Math.PI)));
                    }
                    if (t.text().equalsIgnoreCase("e")) {
                        return new Literal(Num.decimal(BigDecimal.valueOf(Math.E)));
                    }
                    names.add(t.text());
                    return new Parameter(t.text());
                }
                default -> throw unexpected("a number, a parameter name or '('");
            }
        }

        private Node call(Token name) throws Invalid {
            Fn fn = Fn.byName(name.text());
            if (fn == null) {
                throw new Invalid("unknown function '" + name.text() + "' at column " + name.column()
                        + SuiteLoader.suggestion(name.text(), Fn.names()) + "; GX has " + String.join(", ", Fn.names()));
            }
            take(); // (
            if (++nesting > MAX_NESTING) {
                throw new Invalid("parentheses nest more than " + MAX_NESTING + " deep at column " + name.column());
            }
            List<Node> positional = new ArrayList<>();
            Node[] slots = new Node[fn.max];
            boolean keywords = false;
            if (peek().kind() != Kind.CLOSE) {
                while (true) {
                    if (peek().kind() == Kind.NAME && tokens.get(next + 1).kind() == Kind.EQUALS) {
                        Token key = take();
                        take(); // =
                        int slot = fn.keywords.indexOf(key.text());
                        if (slot < 0) {
                            throw new Invalid(fn.gxName() + " has no argument '" + key.text() + "'"
                                    + SuiteLoader.suggestion(key.text(), fn.keywords)
                                    + (fn.keywords.isEmpty() ? "; it takes no keyword arguments" : "; it has " + String.join(", ", fn.keywords)));
                        }
                        if (slots[slot] != null) {
                            throw new Invalid(fn.gxName() + "'s argument '" + key.text() + "' is given twice");
                        }
                        if (!positional.isEmpty()) {
                            throw mixed(fn);
                        }
                        keywords = true;
                        slots[slot] = expression();
                    } else {
                        if (keywords) {
                            throw mixed(fn);
                        }
                        positional.add(expression());
                    }
                    if (peek().kind() != Kind.COMMA) {
                        break;
                    }
                    take();
                }
            }
            if (peek().kind() != Kind.CLOSE) {
                throw unexpected("',' or ')' to close " + fn.gxName() + "(");
            }
            take();
            nesting--;
            if (!keywords) {
                if (positional.size() < fn.min || positional.size() > fn.max) {
                    throw new Invalid(fn.gxName() + " takes " + (fn.min == fn.max ? "" + fn.min : fn.min + " to " + fn.max)
                            + " argument" + (fn.max == 1 ? "" : "s") + ", got " + positional.size()
                            + (fn.keywords.isEmpty() ? "" : " (" + String.join(", ", fn.keywords) + ")"));
                }
                for (int i = 0; i < positional.size(); i++) {
                    slots[i] = positional.get(i);
                }
            } else {
                for (int i = 0; i < fn.min; i++) {
                    if (slots[i] == null) {
                        throw new Invalid(fn.gxName() + " needs " + String.join(", ", fn.keywords.subList(0, fn.min)));
                    }
                }
            }
            return new Call(fn, slots);
        }

        private static Invalid mixed(Fn fn) {
            return new Invalid(fn.gxName() + "(…) mixes positional and keyword arguments, which GX cannot parse; use one"
                    + " kind, e.g. timedelta(days=1, hours=2)");
        }

        Invalid unexpected(String expected) {
            Token t = peek();
            return new Invalid("expected " + expected + (t.kind() == Kind.END ? " but the expression ends"
                    : " at column " + t.column() + ", found " + t.shown()) + ". " + LANGUAGE);
        }

        private static List<Token> tokenize(String s) throws Invalid {
            List<Token> out = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                Matcher number = NUMBER.matcher(s).region(i, s.length());
                Matcher operand = OPERAND.matcher(s).region(i, s.length());
                if (s.startsWith("**", i)) {
                    throw new Invalid("'**' at column " + (i + 1) + ": GX writes a power as ^, e.g. a ^ 2");
                }
                if (number.lookingAt()) {
                    out.add(new Token(Kind.NUMBER, number.group(), i + 1));
                    i = number.end();
                } else if (operand.lookingAt()) {
                    out.add(new Token(Kind.NAME, operand.group(), i + 1));
                    i = operand.end();
                } else {
                    Kind k = switch (c) {
                        case '+', '-', '*', '/', '^' -> Kind.OPERATOR;
                        case '(' -> Kind.OPEN;
                        case ')' -> Kind.CLOSE;
                        case ',' -> Kind.COMMA;
                        case '=' -> Kind.EQUALS;
                        default -> null;
                    };
                    if (k == null) {
                        throw new Invalid("unexpected '" + c + "' at column " + (i + 1) + (c == ':'
                                ? ": the only URNs GX reads are " + URN_PREFIX + "…" : ". " + LANGUAGE));
                    }
                    out.add(new Token(k, String.valueOf(c), i + 1));
                    i++;
                }
            }
            out.add(new Token(Kind.END, "", s.length() + 1));
            return out;
        }
    }
}
