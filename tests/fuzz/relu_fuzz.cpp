// libFuzzer target: arbitrary bytes and options through the stream
// processor, checked against a slow reference written from README's rules:
// the output must not depend on how the input is split into chunks, on the
// path (the exact one, the fast ones where they apply) nor on the number of
// threads, bytes that are not converted numbers must come out unchanged,
// and every converted field must be the activation core's value of
// strtod's number (in a narrower dtype, the text rounded to it). With --csv the
// reference reads quoted fields as README's Semantics says
// (tests/fuzz/csv_reference.hpp): quoted numbers converted inside their quotes,
// malformed quoting reported, and every unselected or header field, quoted text
// and line breaks in quotes included, copied byte for byte. A function over a
// record (softmax, glu), which the reference does not model, must give the same
// bytes read whole, in pieces and on threads.
#include "csv_reference.hpp"
#include "parallel.hpp"
#include "stream.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

// What the second run of an input varies, if there is one: the first
// reads the input whole and is checked against the reference.
enum class Second : std::uint8_t { none, chunking, path, threads };

struct Case {
  relu::Options options;
  std::string format; // the printf format of options.format, if any
  bool (*selected)(std::size_t field);
  std::string input;
  std::vector<std::size_t> cuts;
  relu::Path path; // of the first run
  Second second;
  relu::Path other_path; // of a second run on another path
  unsigned jobs;         // of a second run on threads,
  std::size_t piece;     // the bytes of its pieces,
  bool cut_reads;        // and whether its reads end at the cut points
};

bool all_fields(std::size_t) { return true; }

bool first_field(std::size_t n) { return n == 1; }

bool from_second(std::size_t n) { return n >= 2; }

bool odd_up_to_five(std::size_t n) { return n % 2 == 1 && n <= 5; }

// Lists that reach past the fast path's table of 64 fields.
bool second_and_past_65(std::size_t n) { return n == 2 || n >= 66; }

bool from_64(std::size_t n) { return n >= 64; }

bool up_to_65(std::size_t n) { return n <= 65; }

bool sixty_to_seventy(std::size_t n) { return n >= 60 && n <= 70; }

// A printf conversion from the documented grammar, or "" for none.
std::string format_from(std::uint8_t conversion, std::uint8_t flags,
                        std::uint8_t width, std::uint8_t precision) {
  if (conversion % 9 == 0)
    return "";
  std::string f = flags & 0x80 ? "<%%" : "";
  f += '%';
  for (int bit = 0; bit < 5; ++bit)
    if (flags & (1 << bit))
      f += "-+ #0"[bit];
  if (width % 22 != 21)
    f += std::to_string(width % 22);
  if (precision % 23 == 22)
    f += '.';
  else if (precision % 23 != 21)
    f += "." + std::to_string(precision % 23);
  f += "fFeEgGaA"[conversion % 9 - 1];
  return flags & 0x40 ? f + ">" : f;
}

// Decode options and the plan of runs from the first bytes; the rest is
// the input. The delimiter may be any byte but the terminator, and one
// field may be stretched to around the 1 MiB limit.
Case decode(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t option_bytes = 10;
  Case c;
  std::uint8_t o[option_bytes] = {};
  std::size_t head = std::min(size, option_bytes);
  std::memcpy(o, data, head);
  auto& opt = c.options;
  // Every function of the family, with a few of each parameter.
  auto& a = opt.activation;
  a.function = &relu::functions[o[8] % relu::functions.size()];
  if (o[0] & 1)
    a.function = relu::find_function("leaky_relu");
  a.derivative = o[0] & 2;
  static constexpr double alphas[] = {0.01, 0.001, 0, -2, 1e300, 0.5};
  a.params.alpha = alphas[((o[0] >> 2) & 7) % 6];
  if (a.function->name == "celu" && a.params.alpha == 0)
    a.params.alpha = 1;
  static constexpr double bounds[][2] = {
      {-1, 1}, {0, 6}, {-0.5, 2e-300}, {-1e300, 1e300}};
  a.params.min_val = bounds[(o[8] >> 5) & 3][0];
  a.params.max_val = bounds[(o[8] >> 5) & 3][1];
  static constexpr double softplus[][2] = {
      {1, 20}, {2, 0}, {1e-10, -5}, {1e10, 1e3}};
  a.params.beta = softplus[(o[8] >> 5) & 3][0];
  a.params.threshold = softplus[(o[8] >> 5) & 3][1];
  a.params.tanh = o[8] & 0x80;
  // threshold's value, and hardshrink's and softshrink's lambda.
  a.params.value = alphas[((o[0] >> 2) & 7) % 6];
  static constexpr double lambdas[] = {0.5, 0, 2e-300, 1e300};
  a.params.lambd = lambdas[(o[8] >> 5) & 3];
  // rrelu's bounds and prelu's weight.
  static constexpr double slopes[][2] = {
      {0.125, 1.0 / 3}, {0, 0}, {-2, 1e300}, {0.1, 0.1}};
  a.params.lower = slopes[(o[8] >> 5) & 3][0];
  a.params.upper = slopes[(o[8] >> 5) & 3][1];
  a.params.weight = alphas[((o[0] >> 2) & 7) % 6];
  static constexpr relu::Dtype dtypes[] = {
      relu::Dtype::float64, relu::Dtype::float32, relu::Dtype::bfloat16,
      relu::Dtype::float16};
  a.dtype = dtypes[o[0] >> 6];
  static constexpr const char* lists[] = {nullptr, "1",   "2-",  "1,3,5",
                                          "2,66-", "64-", "-65", "60-70"};
  static constexpr bool (*predicates[])(std::size_t) = {
      all_fields,         first_field, from_second, odd_up_to_five,
      second_and_past_65, from_64,     up_to_65,    sixty_to_seventy};
  std::size_t list_index = (o[1] & 3) | ((o[1] >> 1) & 4);
  if (const char* list = lists[list_index])
    opt.fields = relu::Fields::parse(list);
  c.selected = predicates[list_index];
  // prelu's weights, one per field of a closed list: 1,3,5 and 60-70.
  if (a.function->name == "prelu" && (o[0] & 0x20) &&
      (list_index == 3 || list_index == 7))
    for (std::uint64_t i = 0; i < opt.fields.count(); ++i)
      opt.weights.push_back(alphas[(((o[0] >> 2) & 7) + i) % 6]);
  opt.invalid = static_cast<relu::InvalidMode>((o[1] >> 5) & 3);
  opt.terminator = (o[2] & 0x80) ? '\0' : '\n';
  opt.header = (o[2] >> 5) & 1;
  if ((o[1] & 4) && static_cast<char>(o[4]) != opt.terminator)
    opt.delimiter = static_cast<char>(o[4]);
  // --csv: ',' unless -d says otherwise, and never the quote.
  opt.csv = o[1] & 0x10;
  if (opt.csv && (!opt.delimiter || *opt.delimiter == '"'))
    opt.delimiter = ',';
  c.format = format_from(o[2] & 0x1f, o[5], o[6], o[7]);
  if (!c.format.empty())
    opt.format = relu::Format::parse(c.format);
  c.input.assign(reinterpret_cast<const char*>(data) + head, size - head);
  // A hash of all the bytes draws the inputs that get a costly extra: a
  // field around the 1 MiB limit (1 in 1024, as it costs a hundred times
  // more than other inputs), and the threads that the plan byte asks for
  // (1 in 8 of those, as they cost ten times more). Option bits alone do
  // not keep them rare: the fuzzer learns those bits from the comparisons
  // and favours inputs that reach much code; it gave long fields to 1
  // input in 27, which then took two thirds of the time.
  std::size_t draw = std::hash<std::string_view>{}(
      {reinterpret_cast<const char*>(data), size});
  if (draw % 1024 == 0) {
    std::string field(relu::max_field - 1 + o[3] % 4, '1');
    field[0] = '-';
    c.input.insert(o[3] % (c.input.size() + 1), field);
  }
  // Chunk boundaries from the cut byte.
  for (std::size_t at = 1 + o[3] % 7; at < c.input.size();
       at += 1 + (at * 7 + o[3]) % 13)
    c.cuts.push_back(at);
  // The plan byte: the first run's path (so that every path meets the
  // reference), and a second run on 1 input in 8 each: in pieces at the
  // cut points, on another path, or (drawn) on 2 to 4 threads. The rest
  // have none, so that the fuzzer explores faster.
  static constexpr relu::Path paths[] = {relu::Path::exact, relu::Path::swar,
                                         relu::Path::sse2, relu::Path::avx2};
  c.path = paths[o[9] & 3];
  std::uint8_t second = (o[9] >> 2) & 7;
  c.second = second <= 3 ? static_cast<Second>(second) : Second::none;
  if (c.second == Second::threads && draw / 1024 % 8 != 0)
    c.second = Second::none;
  c.other_path = paths[((o[9] & 3) + 1 + ((o[9] >> 5) & 3) % 3) % 4];
  c.jobs = 2 + ((o[9] >> 5) & 3) % 3;
  // 1 to 16 pieces, more where reads bring no record end: each costs a
  // Stream, so a piece of a few bytes would make long inputs slow.
  c.piece = 1 + c.input.size() / (1 + o[3] % 16);
  c.cut_reads = o[9] & 0x80;
  return c;
}

struct Result {
  std::string out;
  std::string err; // each message after the length of out when it came
  bool aborted = false;
  bool invalid = false;

  bool operator==(const Result&) const = default;
};

// A message comes after all the output before its field, which the stream
// flushes first: so the length of out then is part of the message.
void note(Result& r, const relu::Diagnostic& d) {
  r.err += std::to_string(r.out.size()) + ": line " + std::to_string(d.record) +
           ", field " + std::to_string(d.field) + ": " + std::string(d.text) +
           "\n";
}

// Reads of the input that end at the cut points, or that take as much as
// they are asked for.
struct Feed {
  const Case& c;
  bool cut;
  std::size_t at = 0, next = 0;

  std::size_t operator()(char* buf, std::size_t n) {
    std::size_t stop = c.input.size();
    if (cut) {
      while (next < c.cuts.size() && c.cuts[next] <= at)
        ++next;
      if (next < c.cuts.size())
        stop = c.cuts[next];
    }
    std::size_t k = std::min(n, stop - at);
    std::memcpy(buf, c.input.data() + at, k);
    at += k;
    return k;
  }
};

Result run(const Case& c, bool chunked, relu::Path path) {
  Result r;
  relu::Output out([&r](std::string_view s) { r.out += s; });
  relu::Stream stream(c.options, out,
                      [&r](const relu::Diagnostic& d) { note(r, d); });
  stream.use_path(path);
  Feed feed{c, chunked};
  // Whole: one read of everything, longer than any field limit.
  relu::run(stream, out, std::ref(feed), chunked ? 16 : c.input.size() + 1);
  r.aborted = stream.aborted();
  r.invalid = stream.saw_invalid();
  return r;
}

Result run_threads(const Case& c) {
  Result r;
  Feed feed{c, c.cut_reads};
  relu::Outcome o = relu::run_parallel(
      c.options, [&r](std::string_view s) { r.out += s; },
      [&r](const relu::Diagnostic& d) { note(r, d); }, {std::ref(feed), {}},
      c.jobs, c.piece);
  r.aborted = o.aborted;
  r.invalid = o.invalid;
  return r;
}

// The reference: README's number syntax, checked character by character.
bool digits(const std::string& s, std::size_t& i, bool hex) {
  std::size_t start = i;
  while (i < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[i]))
                              : std::isdigit(static_cast<unsigned char>(s[i]))))
    ++i;
  return i > start;
}

bool is_number(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    ++i;
  std::string rest = s.substr(i);
  for (auto& ch : rest)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (rest == "inf" || rest == "infinity" || rest == "nan")
    return true;
  bool hex = rest.size() >= 2 && rest[0] == '0' && rest[1] == 'x';
  if (hex)
    i += 2;
  bool mantissa = digits(s, i, hex);
  if (i < s.size() && s[i] == '.') {
    ++i;
    mantissa |= digits(s, i, hex);
  }
  if (!mantissa)
    return false;
  if (i < s.size() &&
      std::tolower(static_cast<unsigned char>(s[i])) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
    if (!digits(s, i, false))
      return false;
  }
  return i == s.size();
}

std::string quoted(const std::string& token) {
  std::string q = "'";
  for (std::size_t i = 0; i < token.size() && i < 64; ++i) {
    auto u = static_cast<unsigned char>(token[i]);
    if (u == '\\' || u == '\'')
      q += '\\';
    if (u >= 0x20 && u < 0x7f) {
      q += token[i];
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      q += hex;
    }
  }
  return q + (token.size() > 64 ? "'..." : "'");
}

// Whether README says the value at x keeps its input text: NaN, and where
// the formula returns x itself.
bool keeps(const relu::Activation& a, double x) {
  const auto& p = a.params;
  std::string_view f = a.function->name;
  if (std::isnan(x))
    return true;
  if (f == "relu" || f == "leaky_relu" || f == "elu" || f == "celu" ||
      f == "rrelu" || f == "prelu")
    return x > 0;
  if (f == "relu6")
    return 0 < x && x < 6;
  if (f == "hardtanh")
    return p.min_val < x && x < p.max_val;
  if (f == "hardswish")
    return x >= 3;
  if (f == "threshold")
    return x > p.threshold;
  if (f == "hardshrink")
    return x < -p.lambd || x > p.lambd;
  if (f == "softshrink")
    return p.lambd == 0 && x != 0;
  if (f == "tanhshrink")
    return std::fabs(x) > 0x1p53;
  if (f == "softplus") {
    // beta * x > threshold exactly: the product as hi + lo (the error of a
    // product is exact with fma, unless it underflows, which no generated
    // parameter makes matter).
    double hi = p.beta * x;
    double lo = std::fma(p.beta, x, -hi);
    return hi != p.threshold ? hi > p.threshold : lo > 0;
  }
  return false;
}

// What the documentation says the stream becomes: records and fields as
// Semantics splits them (with --csv, as fuzz::csv_record reads them), each
// selected field converted or reported, every other byte copied.
class Reference {
public:
  explicit Reference(const Case& c) : c_(c), opt_(c.options) {}

  Result run() {
    if (opt_.csv)
      csv_records();
    else
      plain_records();
    return r_;
  }

private:
  const Case& c_;
  const relu::Options& opt_;
  Result r_;
  std::uint64_t line_ = 0, field_ = 0;
  std::string out_; // the output of the record so far

  bool is_blank(char ch) const {
    return (ch == ' ' || ch == '\t' ||
            (opt_.terminator == '\0' && ch == '\n')) &&
           !(opt_.delimiter && ch == *opt_.delimiter);
  }

  void message(const std::string& text) {
    if (opt_.invalid != relu::InvalidMode::ignore)
      r_.err += std::to_string(r_.out.size() + out_.size()) + ": line " +
                std::to_string(line_) + ", field " + std::to_string(field_) +
                ": " + text + "\n";
  }

  // The text a selected field becomes, or nullopt when --invalid=abort
  // stops at it.
  std::optional<std::string> bad(const std::string& token, const char* what) {
    r_.invalid = true;
    message(what + (": " + quoted(token)));
    if (opt_.invalid == relu::InvalidMode::abort)
      return std::nullopt;
    return token;
  }

  std::optional<std::string> convert(const std::string& token) {
    if (!is_number(token))
      return bad(token, "invalid number");
    // README: in a narrower dtype the text rounds once, straight to it,
    // and no text is kept.
    const relu::Dtype dtype = opt_.activation.dtype;
    double x = dtype == relu::Dtype::float64
                   ? std::strtod(token.c_str(), nullptr)
                   : relu::parse_number_as(dtype, token);
    relu::Activation a = opt_.activation;
    if (!opt_.weights.empty()) {
      // README: the i-th weight for the i-th selected field from the left.
      std::size_t rank = 0;
      for (std::size_t k = 1; k < field_; ++k)
        rank += c_.selected(k);
      a.params.weight = opt_.weights[rank];
    }
    bool unchanged =
        dtype == relu::Dtype::float64 && !a.derivative && keeps(a, x);
    if (unchanged && c_.format.empty())
      return token;
    if (c_.format.empty()) {
      char text[relu::max_shortest];
      return std::string(text, relu::write_shortest(a(x), dtype, text));
    }
    // The format was validated by Format::parse, so printf may take it.
    char text[512];
    int n = std::snprintf(text, sizeof text, c_.format.c_str(), a(x));
    return std::string(text, static_cast<std::size_t>(n));
  }

  // Write what a bad field becomes, or stop the run; return whether to go
  // on.
  bool put(const std::optional<std::string>& text) {
    if (!text) {
      r_.out += out_;
      r_.aborted = true;
      return false;
    }
    out_ += *text;
    return true;
  }

  // Append field s with its number converted, the blanks around it
  // kept; return false if --invalid=abort stops at it.
  bool field_with_blanks(std::string_view s) {
    std::size_t first = 0, last = s.size();
    while (first < last && is_blank(s[first]))
      ++first;
    while (last > first && is_blank(s[last - 1]))
      --last;
    out_ += s.substr(0, first);
    std::string token(s.substr(first, last - first));
    if (!token.empty() && !put(convert(token)))
      return false;
    out_ += s.substr(last);
    return true;
  }

  void plain_records();
  void csv_records();
  bool csv_field(const fuzz::CsvField& f, bool selected);
};

void Reference::plain_records() {
  const std::string& in = c_.input;
  std::size_t at = 0;
  while (at < in.size()) {
    std::size_t end = in.find(opt_.terminator, at);
    bool terminated = end != std::string::npos;
    if (!terminated)
      end = in.size();
    std::string record = in.substr(at, end - at);
    at = terminated ? end + 1 : end;
    ++line_;
    field_ = 0;
    std::string cr;
    if (!record.empty() && record.back() == '\r' &&
        !(opt_.delimiter && *opt_.delimiter == '\r')) {
      record.pop_back();
      cr = "\r";
    }
    out_.clear();
    // Split the record into (before, token, after) around each field.
    std::size_t i = 0;
    while (line_ > opt_.header && i <= record.size()) {
      std::size_t first, last, next;
      if (opt_.delimiter) {
        next = std::min(record.find(*opt_.delimiter, i), record.size());
        first = i;
        last = next;
        while (first < last && is_blank(record[first]))
          ++first;
        while (last > first && is_blank(record[last - 1]))
          --last;
      } else {
        first = i;
        while (first < record.size() && is_blank(record[first]))
          ++first;
        if (first == record.size()) {
          out_ += record.substr(i);
          break;
        }
        last = first;
        while (last < record.size() && !is_blank(record[last]))
          ++last;
        next = last;
      }
      ++field_;
      // A field longer than the limit is reported whole: in delimited
      // mode with its blanks, and on abort none of it is written.
      std::size_t raw_first = opt_.delimiter ? i : first;
      std::string raw = record.substr(raw_first, next - raw_first);
      std::string token = record.substr(first, last - first);
      std::optional<std::string> text = token;
      if (c_.selected(field_) && raw.size() > relu::max_field) {
        out_ += record.substr(i, raw_first - i);
        text = bad(raw, "field longer than 1 MiB");
        first = raw_first;
        last = next;
      } else {
        out_ += record.substr(i, first - i);
        if (c_.selected(field_) && !token.empty())
          text = convert(token);
      }
      if (!put(text))
        return;
      out_ += record.substr(last, next - last);
      if (opt_.delimiter && next < record.size())
        out_ += *opt_.delimiter;
      i = next + (opt_.delimiter ? 1 : 0);
      if (!opt_.delimiter && i == record.size())
        break;
    }
    if (line_ <= opt_.header)
      out_ = record;
    r_.out += out_ + cr;
    if (terminated)
      r_.out += opt_.terminator;
  }
}

// Append what field f becomes; return false if --invalid=abort stops there.
bool Reference::csv_field(const fuzz::CsvField& f, bool selected) {
  std::string_view raw(c_.input);
  raw = raw.substr(f.first, f.last - f.first);
  if (f.quoting == fuzz::Quoting::unclosed) {
    // Reported whether or not the field is selected: a selected one as
    // any bad field, before it; an unselected one passes through, and the
    // end of the input reports it. A selected one longer than the limit is
    // that first, and passes through unless that stops the run.
    r_.invalid = true;
    bool first_too_long = selected && raw.size() > relu::max_field;
    if (first_too_long &&
        !put(bad(std::string(raw), "field longer than 1 MiB")))
      return false;
    if (!selected)
      out_ += raw;
    message("quote not closed at the end of the input");
    if (opt_.invalid == relu::InvalidMode::abort) {
      r_.aborted = true;
      return selected ? put(std::nullopt) : true;
    }
    if (selected && !first_too_long)
      out_ += raw;
    return true;
  }
  if (!selected) {
    out_ += raw;
    return true;
  }
  if (raw.size() > relu::max_field)
    return put(bad(std::string(raw), "field longer than 1 MiB"));
  switch (f.quoting) {
  case fuzz::Quoting::none:
    return field_with_blanks(raw);
  case fuzz::Quoting::inside:
    // README: unquoted fields follow -d's rules, whose token leaves out
    // the blanks around it. relu reports the whole field, blanks included,
    // and on abort writes none of it: followed here, and reported.
    return put(bad(std::string(raw), "quote inside an unquoted field"));
  case fuzz::Quoting::after_close:
    return put(bad(std::string(raw), "text after a closing quote"));
  default:
    break;
  }
  // Quoted: a number inside the quotes, blanks around it allowed, is
  // converted there; "" and " " pass; any other content is not a number.
  std::string_view content = raw.substr(1, raw.size() - 2);
  std::size_t first = 0, last = content.size();
  while (first < last && is_blank(content[first]))
    ++first;
  while (last > first && is_blank(content[last - 1]))
    --last;
  std::string token(content.substr(first, last - first));
  // An empty or blank content passes, as an unquoted blank field does.
  if (token.empty())
    out_ += raw;
  else if (!is_number(token))
    return put(bad(std::string(raw), "invalid number"));
  else if (std::optional<std::string> text = convert(token))
    out_ += '"' + std::string(content.substr(0, first)) + *text +
            std::string(content.substr(last)) + '"';
  return true;
}

void Reference::csv_records() {
  const std::string& in = c_.input;
  std::uint64_t record = 0, next_line = 1;
  for (std::size_t at = 0; at < in.size();) {
    fuzz::CsvRecord rec =
        fuzz::csv_record(in, at, *opt_.delimiter, opt_.terminator);
    ++record;
    line_ = next_line;
    next_line += rec.line_breaks + 1;
    field_ = 0;
    out_.clear();
    for (const auto& f : rec.fields) {
      ++field_;
      if (field_ > 1)
        out_ += *opt_.delimiter;
      if (!csv_field(f, record > opt_.header && c_.selected(field_)))
        return;
    }
    r_.out += out_ + in.substr(rec.end, rec.next - rec.end);
    at = rec.next;
  }
}

void require(bool ok, const char* what, const Case& c, const Result& a,
             const Result& b) {
  if (ok)
    return;
  std::fprintf(stderr, "property violated: %s\ninput (%zu bytes): ", what,
               c.input.size());
  for (char ch : c.input)
    std::fprintf(stderr, "%02x", static_cast<unsigned char>(ch));
  std::fprintf(stderr, "\nout: [%s]\nwant: [%s]\nerr: [%s]\nwant: [%s]\n",
               a.out.c_str(), b.out.c_str(), a.err.c_str(), b.err.c_str());
  std::fprintf(stderr, "aborted, invalid: %d %d, want %d %d\n", a.aborted,
               a.invalid, b.aborted, b.invalid);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  Case c = decode(data, size);
  Result whole = run(c, false, c.path);
  // The reference models elementwise functions only: a function over a
  // record (softmax, glu) is checked against itself, read whole, in
  // pieces and on threads; its values by tests/accuracy/.
  if (c.options.activation.function->over_record()) {
    if (c.second != Second::threads)
      c.second = Second::chunking;
  } else {
    Result want = Reference(c).run();
    require(whole.out == want.out, "stdout differs from the reference", c,
            whole, want);
    require(whole.err == want.err && whole.aborted == want.aborted &&
                whole.invalid == want.invalid,
            "diagnostics differ from the reference", c, whole, want);
  }
  Result other;
  const char* what = "";
  switch (c.second) {
  case Second::none:
    return 0;
  case Second::chunking:
    other = run(c, true, c.path);
    what = "output depends on chunking";
    break;
  case Second::path:
    other = run(c, false, c.other_path);
    what = "output depends on the path";
    break;
  case Second::threads:
    other = run_threads(c);
    what = "output depends on the number of threads";
    break;
  }
  require(other == whole, what, c, other, whole);
  return 0;
}
