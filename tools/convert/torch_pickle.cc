#include "tools/convert/torch_pickle.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <utility>

namespace intformer {
namespace convert {
namespace {

struct Value;
using Ref = std::shared_ptr<Value>;

enum class Kind { kNone, kBool, kInt, kFloat, kStr, kTuple, kList, kDict, kGlobal, kStorage, kTensor };

struct Value {
  Kind kind = Kind::kNone;
  int64_t i = 0;
  std::string s;  // str value, or the global's "module.name"
  std::vector<Ref> items;
  std::vector<std::pair<Ref, Ref>> dict;
  PickledTensor tensor;  // kStorage: dtype / storage_key / storage_numel; kTensor: all of it
};

std::string Hex(uint8_t op) {
  char hex[8];
  std::snprintf(hex, sizeof(hex), "0x%02x", op);
  return hex;
}

Ref NewValue(Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  return v;
}

struct StorageType {
  const char* name;
  DType dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"FloatStorage", DType::kF32},  {"HalfStorage", DType::kF16}, {"BFloat16Storage", DType::kBF16},
    {"DoubleStorage", DType::kF64}, {"LongStorage", DType::kI64}, {"IntStorage", DType::kI32},
    {"ShortStorage", DType::kI16},  {"CharStorage", DType::kI8},  {"ByteStorage", DType::kU8},
    {"BoolStorage", DType::kBool},
};

class Machine {
 public:
  Machine(const uint8_t* p, size_t n, std::string origin) : p_(p), n_(n), origin_(std::move(origin)) {}
  // A pickle can build reference cycles (a list appended to itself through the memo, found by
  // the fuzzer): shared ownership alone would leak them, so every value this machine made has
  // its links cut when the parse ends.
  ~Machine() {
    for (const Ref& v : made_) {
      v->items.clear();
      v->dict.clear();
    }
  }
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  Status Run(Ref* result);

 private:
  Status Bad(const std::string& what) const {
    return Status(StatusCode::kBadPickle, origin_ + " at byte " + std::to_string(pos_) + ": " + what);
  }
  bool Take(size_t k, const uint8_t** out) {
    if (k > n_ - pos_) return false;
    *out = p_ + pos_;
    pos_ += k;
    return true;
  }
  bool TakeUint(int bytes, uint64_t* v) {
    const uint8_t* b;
    if (!Take(static_cast<size_t>(bytes), &b)) return false;
    *v = 0;
    for (int i = bytes - 1; i >= 0; --i) *v = (*v << 8) | b[i];
    return true;
  }
  bool TakeLine(std::string* s) {
    const void* nl = std::memchr(p_ + pos_, '\n', n_ - pos_);
    if (nl == nullptr) return false;
    const size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nl) - (p_ + pos_));
    s->assign(reinterpret_cast<const char*>(p_ + pos_), len);
    pos_ += len + 1;
    return true;
  }
  Status Pop(Ref* v) {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
      return Bad("stack underflow");
    }
    *v = std::move(stack_.back());
    stack_.pop_back();
    return Status::Ok();
  }
  Status PopMark(std::vector<Ref>* items) {
    if (marks_.empty()) return Bad("no MARK");
    const size_t m = marks_.back();
    marks_.pop_back();
    items->assign(stack_.begin() + static_cast<long>(m), stack_.end());
    stack_.resize(m);
    return Status::Ok();
  }
  Ref Make(Kind k) {
    Ref v = NewValue(k);
    made_.push_back(v);
    return v;
  }
  Status Global(const std::string& module, const std::string& name, Ref* out);
  Status PersistentLoad(const Ref& pid, Ref* out);
  Status Reduce(const Ref& callable, const Ref& args, Ref* out);

  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
  std::string origin_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
  std::vector<Ref> made_;  // every value made, for the destructor's cycle cut
};

Status Machine::Global(const std::string& module, const std::string& name, Ref* out) {
  const std::string full = module + "." + name;
  bool allowed = full == "collections.OrderedDict" || full == "torch._utils._rebuild_tensor_v2" ||
                 full == "torch._utils._rebuild_parameter";
  if (module == "torch") {
    for (const auto& st : kStorageTypes) allowed |= name == st.name;
  }
  if (!allowed) {
    return Status(StatusCode::kUnsafePickle,
                  origin_ + ": refuses global " + full + " (a state dict needs only OrderedDict, "
                  "torch._utils._rebuild_tensor_v2/_rebuild_parameter and torch.*Storage)");
  }
  *out = Make(Kind::kGlobal);
  (*out)->s = full;
  return Status::Ok();
}

// ('storage', torch.XStorage, key, location, numel) -> a storage reference.
Status Machine::PersistentLoad(const Ref& pid, Ref* out) {
  const auto& it = pid->items;
  if (pid->kind != Kind::kTuple || it.size() != 5 || it[0]->kind != Kind::kStr ||
      it[0]->s != "storage" || it[1]->kind != Kind::kGlobal || it[2]->kind != Kind::kStr ||
      it[4]->kind != Kind::kInt) {
    return Bad("persistent id is not ('storage', type, key, location, numel)");
  }
  *out = Make(Kind::kStorage);
  bool known = false;
  for (const auto& st : kStorageTypes) {
    if (it[1]->s == std::string("torch.") + st.name) {
      (*out)->tensor.dtype = st.dtype;
      known = true;
    }
  }
  if (!known) return Bad("persistent id names " + it[1]->s + ", not a storage type");
  (*out)->tensor.storage_key = it[2]->s;
  (*out)->tensor.storage_numel = it[4]->i;
  return Status::Ok();
}

Status IntTuple(const Ref& v, std::vector<int64_t>* out) {
  if (v->kind != Kind::kTuple) return Status(StatusCode::kBadPickle, "expected a tuple of ints");
  out->clear();
  for (const auto& x : v->items) {
    if (x->kind != Kind::kInt) return Status(StatusCode::kBadPickle, "expected a tuple of ints");
    out->push_back(x->i);
  }
  return Status::Ok();
}

Status Machine::Reduce(const Ref& callable, const Ref& args, Ref* out) {
  if (callable->kind != Kind::kGlobal || args->kind != Kind::kTuple) return Bad("REDUCE on a non-global");
  const auto& a = args->items;
  if (callable->s == "collections.OrderedDict") {
    if (!a.empty()) return Bad("OrderedDict called with arguments");
    *out = Make(Kind::kDict);
    return Status::Ok();
  }
  if (callable->s == "torch._utils._rebuild_tensor_v2") {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (a.size() < 4 || a[0]->kind != Kind::kStorage || a[1]->kind != Kind::kInt) {
      return Bad("_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)");
    }
    *out = Make(Kind::kTensor);
    (*out)->tensor = a[0]->tensor;
    (*out)->tensor.offset = a[1]->i;
    Status st = IntTuple(a[2], &(*out)->tensor.shape);
    if (st.ok()) st = IntTuple(a[3], &(*out)->tensor.strides);
    return st.ok() ? st : Bad("_rebuild_tensor_v2 size/stride: " + st.message());
  }
  if (callable->s == "torch._utils._rebuild_parameter") {
    if (a.empty() || a[0]->kind != Kind::kTensor) return Bad("_rebuild_parameter without a tensor");
    *out = a[0];
    return Status::Ok();
  }
  // Storage types are allowed as names inside persistent ids, never as callables.
  return Status(StatusCode::kUnsafePickle, origin_ + ": refuses to call " + callable->s);
}

Status Machine::Run(Ref* result) {
  while (true) {
    const uint8_t* b;
    if (!Take(1, &b)) return Status(StatusCode::kTruncated, origin_ + ": pickle ends without STOP");
    const uint8_t op = *b;
    uint64_t u = 0;
    Ref v, w, x;
    switch (op) {
      case 0x80: if (!Take(1, &b)) return Bad("truncated PROTO"); break;
      case 0x95: if (!TakeUint(8, &u)) return Bad("truncated FRAME"); break;
      case '.':
        INTFORMER_RETURN_IF_ERROR(Pop(result));
        return Status::Ok();
      case '(': marks_.push_back(stack_.size()); break;
      case ')': stack_.push_back(Make(Kind::kTuple)); break;
      case ']': stack_.push_back(Make(Kind::kList)); break;
      case '}': stack_.push_back(Make(Kind::kDict)); break;
      case 'N': stack_.push_back(Make(Kind::kNone)); break;
      case 0x88: case 0x89:
        v = Make(Kind::kBool);
        v->i = op == 0x88;
        stack_.push_back(v);
        break;
      case 't': case 'l':
        v = Make(op == 't' ? Kind::kTuple : Kind::kList);
        INTFORMER_RETURN_IF_ERROR(PopMark(&v->items));
        stack_.push_back(v);
        break;
      case 0x85: case 0x86: case 0x87: {
        v = Make(Kind::kTuple);
        v->items.resize(op - 0x84);
        for (size_t k = v->items.size(); k-- > 0;) INTFORMER_RETURN_IF_ERROR(Pop(&v->items[k]));
        stack_.push_back(v);
        break;
      }
      case 'J': case 'K': case 'M': {
        const int bytes = op == 'J' ? 4 : op == 'K' ? 1 : 2;
        if (!TakeUint(bytes, &u)) return Bad("truncated int");
        v = Make(Kind::kInt);
        v->i = op == 'J' ? static_cast<int32_t>(static_cast<uint32_t>(u)) : static_cast<int64_t>(u);
        stack_.push_back(v);
        break;
      }
      case 0x8a: {  // LONG1: little-endian two's complement of n <= 8 bytes
        if (!TakeUint(1, &u) || u > 8) return Bad("LONG1 longer than 8 bytes");
        const int n = static_cast<int>(u);
        if (!TakeUint(n, &u)) return Bad("truncated LONG1");
        if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);
        v = Make(Kind::kInt);
        v->i = static_cast<int64_t>(u);
        stack_.push_back(v);
        break;
      }
      case 'G':  // BINFLOAT: 8 bytes big-endian; kept only so metadata parses
        if (!Take(8, &b)) return Bad("truncated BINFLOAT");
        stack_.push_back(Make(Kind::kFloat));
        break;
      case 'X': case 0x8c: case 0x8d: case 'T': case 'U': case 'B': case 'C': {
        const int bytes = (op == 0x8c || op == 'U' || op == 'C') ? 1 : op == 0x8d ? 8 : 4;
        if (!TakeUint(bytes, &u) || !Take(static_cast<size_t>(u), &b)) return Bad("truncated string");
        v = Make(Kind::kStr);
        v->s.assign(reinterpret_cast<const char*>(b), static_cast<size_t>(u));
        stack_.push_back(v);
        break;
      }
      case 'q': case 'r': case 0x94:
        if (op != 0x94 && !TakeUint(op == 'q' ? 1 : 4, &u)) return Bad("truncated PUT");
        if (op == 0x94) u = memo_.size();
        if (stack_.empty()) return Bad("PUT on an empty stack");
        memo_[u] = stack_.back();
        break;
      case 'h': case 'j': {
        if (!TakeUint(op == 'h' ? 1 : 4, &u)) return Bad("truncated GET");
        auto it = memo_.find(u);
        if (it == memo_.end()) return Bad("GET of unknown memo " + std::to_string(u));
        stack_.push_back(it->second);
        break;
      }
      case 'c': {
        std::string module, name;
        if (!TakeLine(&module) || !TakeLine(&name)) return Bad("truncated GLOBAL");
        INTFORMER_RETURN_IF_ERROR(Global(module, name, &v));
        stack_.push_back(v);
        break;
      }
      case 0x93:
        INTFORMER_RETURN_IF_ERROR(Pop(&w));
        INTFORMER_RETURN_IF_ERROR(Pop(&v));
        if (v->kind != Kind::kStr || w->kind != Kind::kStr) return Bad("STACK_GLOBAL of non-strings");
        INTFORMER_RETURN_IF_ERROR(Global(v->s, w->s, &x));
        stack_.push_back(x);
        break;
      case 'Q':
        INTFORMER_RETURN_IF_ERROR(Pop(&v));
        INTFORMER_RETURN_IF_ERROR(PersistentLoad(v, &w));
        stack_.push_back(w);
        break;
      case 'R':
        INTFORMER_RETURN_IF_ERROR(Pop(&w));
        INTFORMER_RETURN_IF_ERROR(Pop(&v));
        INTFORMER_RETURN_IF_ERROR(Reduce(v, w, &x));
        stack_.push_back(x);
        break;
      case 'b':  // BUILD: OrderedDict's state (e.g. HF's _metadata) carries nothing we need
        INTFORMER_RETURN_IF_ERROR(Pop(&w));
        if (stack_.empty() || stack_.back()->kind != Kind::kDict) return Bad("BUILD on a non-dict");
        break;
      case 'a':
        INTFORMER_RETURN_IF_ERROR(Pop(&w));
        if (stack_.empty() || stack_.back()->kind != Kind::kList) return Bad("APPEND to a non-list");
        stack_.back()->items.push_back(w);
        break;
      case 'e': case 'u': {
        std::vector<Ref> items;
        INTFORMER_RETURN_IF_ERROR(PopMark(&items));
        if (stack_.empty()) return Bad("APPENDS/SETITEMS without a target");
        Ref& target = stack_.back();
        if (op == 'e') {
          if (target->kind != Kind::kList) return Bad("APPENDS to a non-list");
          target->items.insert(target->items.end(), items.begin(), items.end());
        } else {
          if (target->kind != Kind::kDict || items.size() % 2) return Bad("bad SETITEMS");
          for (size_t k = 0; k < items.size(); k += 2) target->dict.emplace_back(items[k], items[k + 1]);
        }
        break;
      }
      case 's':
        INTFORMER_RETURN_IF_ERROR(Pop(&w));
        INTFORMER_RETURN_IF_ERROR(Pop(&v));
        if (stack_.empty() || stack_.back()->kind != Kind::kDict) return Bad("SETITEM on a non-dict");
        stack_.back()->dict.emplace_back(v, w);
        break;
      case '0':
        INTFORMER_RETURN_IF_ERROR(Pop(&v));
        break;
      case 'i': case 'o': case 0x81: case 0x92: case 0x82: case 0x83: case 0x84:
        return Status(StatusCode::kUnsafePickle,
                      origin_ + ": refuses object-constructing opcode " + Hex(op) +
                          " (INST/OBJ/NEWOBJ/EXT)");
      default:
        return Bad("opcode " + Hex(op) + " is not used by torch.save for a state dict");
    }
  }
}

}  // namespace

Status ParseStateDictPickle(const uint8_t* data, size_t size, const std::string& origin,
                            std::vector<PickledTensor>* out) {
  out->clear();
  Machine m(data, size, origin);
  Ref root;
  INTFORMER_RETURN_IF_ERROR(m.Run(&root));
  if (root->kind != Kind::kDict) {
    return Status(StatusCode::kBadPickle, origin + ": top-level object is not a state dict");
  }
  for (const auto& [k, v] : root->dict) {
    if (k->kind != Kind::kStr) return Status(StatusCode::kBadPickle, origin + ": non-string key");
    if (v->kind != Kind::kTensor) continue;
    PickledTensor t = v->tensor;
    t.name = k->s;
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace convert
}  // namespace intformer
