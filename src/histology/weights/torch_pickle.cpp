#include "torch_pickle.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "stx/core/error.hpp"

namespace stx {
namespace {

using Kind = PickleObject::Kind;

// The globals a state dict needs; anything else is refused by name.
const std::map<std::string, std::string>& storage_dtypes() {
  static const std::map<std::string, std::string> types = {
      {"torch.FloatStorage", "F32"}, {"torch.HalfStorage", "F16"},  {"torch.BFloat16Storage", "BF16"},
      {"torch.DoubleStorage", "F64"}, {"torch.LongStorage", "I64"}, {"torch.IntStorage", "I32"},
      {"torch.ShortStorage", "I16"}, {"torch.CharStorage", "I8"},   {"torch.ByteStorage", "U8"},
      {"torch.BoolStorage", "BOOL"}};
  return types;
}
constexpr const char* kOrderedDict = "collections.OrderedDict";
constexpr const char* kRebuildTensor = "torch._utils._rebuild_tensor_v2";
constexpr const char* kRebuildParameter = "torch._utils._rebuild_parameter";
constexpr const char* kRebuildParameterWithState = "torch._utils._rebuild_parameter_with_state";

bool allowed_global(const std::string& name) {
  return name == kOrderedDict || name == kRebuildTensor || name == kRebuildParameter ||
         name == kRebuildParameterWithState || storage_dtypes().count(name) > 0;
}

PickleRef make(Kind kind) {
  auto p = std::make_shared<PickleObject>();
  p->kind = kind;
  return p;
}

class Unpickler {
 public:
  Unpickler(const std::string& bytes, const std::string& source) : in_(bytes), source_(source) {}

  PickleRef run() {
    while (true) {
      const auto op = static_cast<unsigned char>(take(1)[0]);
      switch (op) {
        case 0x80: take(1); break;                       // PROTO
        case 0x95: take(8); break;                       // FRAME (protocol 4): a length hint
        case '.': return finish();                       // STOP
        case '(': marks_.push_back(stack_.size()); break;  // MARK
        case '}': push(make(Kind::Dict)); break;         // EMPTY_DICT
        case ']': push(make(Kind::List)); break;         // EMPTY_LIST
        case ')': push(make(Kind::Tuple)); break;        // EMPTY_TUPLE
        case 'N': push(make(Kind::None)); break;
        case 0x88: push_bool(true); break;               // NEWTRUE
        case 0x89: push_bool(false); break;              // NEWFALSE
        case 'K': push_int(static_cast<int64_t>(unsigned_le(1))); break;  // BININT1
        case 'M': push_int(static_cast<int64_t>(unsigned_le(2))); break;  // BININT2
        case 'J': push_int(static_cast<int32_t>(unsigned_le(4))); break;  // BININT (signed)
        case 0x8a: push_int(long1()); break;             // LONG1
        case 'G': push_float(); break;                   // BINFLOAT
        case 'X': push_text(Kind::String, unsigned_le(4)); break;     // BINUNICODE
        case 0x8c: push_text(Kind::String, unsigned_le(1)); break;    // SHORT_BINUNICODE
        case 0x8d: push_text(Kind::String, unsigned_le(8)); break;    // BINUNICODE8
        case 'C': push_text(Kind::Bytes, unsigned_le(1)); break;      // SHORT_BINBYTES
        case 'B': push_text(Kind::Bytes, unsigned_le(4)); break;      // BINBYTES
        case 'c': {                                      // GLOBAL "module\nname\n"
          const std::string module = line();
          global(module, line());
          break;
        }
        case 0x93: {                                     // STACK_GLOBAL
          const PickleRef name = pop(Kind::String), module = pop(Kind::String);
          global(module->text, name->text);
          break;
        }
        case 't': push(tuple(pop_to_mark())); break;     // TUPLE
        case 0x85: push(tuple(pop_n(1))); break;         // TUPLE1
        case 0x86: push(tuple(pop_n(2))); break;         // TUPLE2
        case 0x87: push(tuple(pop_n(3))); break;         // TUPLE3
        case 'a': append(pop_n(1)); break;               // APPEND
        case 'e': append(pop_to_mark()); break;          // APPENDS
        case 's': set_items(pop_n(2)); break;            // SETITEM
        case 'u': set_items(pop_to_mark()); break;       // SETITEMS
        case 'q': memo_[unsigned_le(1)] = top(); break;  // BINPUT
        case 'r': memo_[unsigned_le(4)] = top(); break;  // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = top(); break;   // MEMOIZE
        case 'h': push(memo(unsigned_le(1))); break;     // BINGET
        case 'j': push(memo(unsigned_le(4))); break;     // LONG_BINGET
        case 'Q': push(persistent(pop(Kind::Tuple))); break;  // BINPERSID
        case 'R': reduce(); break;                       // REDUCE
        case 'b': build(); break;                        // BUILD
        default:
          fail(fmt::format("pickle opcode 0x{:02x} at byte {} is outside what torch.save writes for "
                           "tensors (this reader runs no code)", op, pos_ - 1));
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(fmt::format("{}: {}", source_, what));
  }

  const char* take(uint64_t n) {
    if (n > in_.size() - pos_) fail(fmt::format("the pickle ends early (byte {} of {})", pos_, in_.size()));
    const char* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint64_t unsigned_le(int n) {
    const auto* p = reinterpret_cast<const unsigned char*>(take(static_cast<uint64_t>(n)));
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
  }
  int64_t long1() {
    const uint64_t n = unsigned_le(1);
    if (n > 8) fail("an integer wider than 64 bits");
    if (n == 0) return 0;
    const uint64_t v = unsigned_le(static_cast<int>(n));
    const uint64_t sign = uint64_t{1} << (8 * n - 1);
    return n < 8 && (v & sign) ? static_cast<int64_t>(v) - static_cast<int64_t>(sign << 1)
                               : static_cast<int64_t>(v);
  }
  std::string line() {
    const size_t end = in_.find('\n', pos_);
    if (end == std::string::npos) fail("unterminated GLOBAL name");
    std::string s = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }

  void push(PickleRef p) { stack_.push_back(std::move(p)); }
  void push_bool(bool b) {
    auto p = make(Kind::Bool);
    p->integer = b;
    push(p);
  }
  void push_int(int64_t v) {
    auto p = make(Kind::Int);
    p->integer = v;
    push(p);
  }
  void push_float() {
    const uint64_t bits = [&] {  // big-endian IEEE double
      const auto* b = reinterpret_cast<const unsigned char*>(take(8));
      uint64_t v = 0;
      for (int i = 0; i < 8; ++i) v = (v << 8) | b[i];
      return v;
    }();
    auto p = make(Kind::Float);
    std::memcpy(&p->real, &bits, 8);
    push(p);
  }
  void push_text(Kind kind, uint64_t n) {
    auto p = make(kind);
    p->text.assign(take(n), n);
    push(p);
  }
  PickleRef top() {
    if (stack_.empty()) fail("memo store on an empty stack");
    return stack_.back();
  }
  PickleRef memo(uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail(fmt::format("memo {} read before it was stored", key));
    return it->second;
  }
  PickleRef pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail("stack underflow");
    PickleRef p = stack_.back();
    stack_.pop_back();
    return p;
  }
  PickleRef pop(Kind kind) {
    PickleRef p = pop();
    if (p->kind != kind) fail("unexpected object type in the pickle stream");
    return p;
  }
  std::vector<PickleRef> pop_n(size_t n) {
    std::vector<PickleRef> out(n);
    for (size_t i = n; i-- > 0;) out[i] = pop();
    return out;
  }
  std::vector<PickleRef> pop_to_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleRef> out(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return out;
  }
  // Whether `target` is `from` or lies inside it (iterative, each object visited once).
  static bool reaches(const PickleObject& from, const PickleObject* target) {
    std::vector<const PickleObject*> pending = {&from};
    std::unordered_set<const PickleObject*> seen;
    while (!pending.empty()) {
      const PickleObject* p = pending.back();
      pending.pop_back();
      if (p == target) return true;
      if (!seen.insert(p).second) continue;
      for (const auto& item : p->items) pending.push_back(item.get());
    }
    return false;
  }
  // Adds `items` to `container`, keeping its depth and refusing nesting past kMaxPickleDepth
  // and cycles.
  void nest(PickleObject& container, const std::vector<PickleRef>& items) const {
    for (const auto& item : items) {
      if (!item->items.empty() || item.get() == &container)
        if (reaches(*item, &container)) fail("a container inside itself (a cyclic pickle)");
      container.depth = std::max(container.depth, item->depth + 1);
    }
    if (container.depth > kMaxPickleDepth)
      fail(fmt::format("objects nested more than {} deep (torch.save nests a few)", kMaxPickleDepth));
    container.items.insert(container.items.end(), items.begin(), items.end());
  }
  PickleRef tuple(const std::vector<PickleRef>& items) const {
    auto p = make(Kind::Tuple);
    nest(*p, items);
    return p;
  }
  void append(const std::vector<PickleRef>& items) {
    const PickleRef list = pop(Kind::List);
    nest(*list, items);
    push(list);
  }
  void set_items(const std::vector<PickleRef>& items) {
    if (items.size() % 2) fail("SETITEMS with an odd number of entries");
    const PickleRef dict = pop(Kind::Dict);
    nest(*dict, items);
    push(dict);
  }
  void global(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (!allowed_global(full))
      fail(fmt::format("refuses pickle global '{}': only tensors, storages and dicts are read "
                       "(export the weights with torch.save(model.state_dict()) or as safetensors)",
                       full));
    auto p = make(Kind::Global);
    p->text = full;
    push(p);
  }
  PickleRef persistent(const PickleRef& id) {  // ('storage', StorageType, key, location, numel)
    const auto& f = id->items;
    if (f.size() != 5 || f[0]->kind != Kind::String || f[0]->text != "storage" ||
        f[1]->kind != Kind::Global || f[2]->kind != Kind::String || f[4]->kind != Kind::Int)
      fail("a persistent id that is not a tensor storage");
    const auto dtype = storage_dtypes().find(f[1]->text);
    if (dtype == storage_dtypes().end()) fail(fmt::format("'{}' is not a storage type", f[1]->text));
    auto p = make(Kind::Storage);
    p->tensor.storage_key = f[2]->text;
    p->tensor.dtype = dtype->second;
    p->tensor.storage_numel = f[4]->integer;
    return p;
  }
  static std::vector<int64_t> ints(const PickleRef& t, bool& ok) {
    std::vector<int64_t> out;
    ok = ok && t->kind == Kind::Tuple;
    for (const auto& v : t->items) {
      ok = ok && v->kind == Kind::Int;
      out.push_back(v->integer);
    }
    return out;
  }
  void reduce() {
    const PickleRef args = pop(Kind::Tuple), callable = pop(Kind::Global);
    const auto& a = args->items;
    const std::string& name = callable->text;
    if (name == kOrderedDict) {
      if (!a.empty()) fail("OrderedDict called with arguments");
      push(make(Kind::Dict));
    } else if (name == kRebuildTensor) {  // (storage, offset, size, stride, requires_grad, hooks[, metadata])
      bool ok = (a.size() == 6 || a.size() == 7) && a[0]->kind == Kind::Storage && a[1]->kind == Kind::Int;
      auto p = make(Kind::Tensor);
      if (ok) {
        p->tensor = a[0]->tensor;
        p->tensor.offset = a[1]->integer;
        p->tensor.shape = ints(a[2], ok);
        p->tensor.stride = ints(a[3], ok);
      }
      if (!ok || p->tensor.shape.size() != p->tensor.stride.size()) fail("malformed _rebuild_tensor_v2 arguments");
      push(p);
    } else if (name == kRebuildParameter || name == kRebuildParameterWithState) {
      if (a.empty() || a[0]->kind != Kind::Tensor) fail("malformed _rebuild_parameter arguments");
      push(a[0]);
    } else {
      fail(fmt::format("'{}' cannot be called", name));
    }
  }
  void build() {  // object state: only an OrderedDict's _metadata, which weights do not need
    pop();
    if (top()->kind != Kind::Dict) fail("BUILD on an object that is not a dict");
  }
  PickleRef finish() {
    if (stack_.size() != 1 || !marks_.empty()) fail("the pickle stops with an unbalanced stack");
    return stack_.back();
  }

  const std::string& in_;
  const std::string& source_;
  size_t pos_ = 0;
  std::vector<PickleRef> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PickleRef> memo_;
};

}  // namespace

PickleObject::~PickleObject() {
  std::vector<PickleRef> pending = std::move(items);
  while (!pending.empty()) {
    PickleRef p = std::move(pending.back());
    pending.pop_back();
    if (p && p.use_count() == 1) {  // the last owner: take its items before it goes
      for (auto& item : p->items) pending.push_back(std::move(item));
      p->items.clear();
    }
  }
}

PickleRef read_torch_pickle(const std::string& bytes, const std::string& source) {
  return Unpickler(bytes, source).run();
}

}  // namespace stx
