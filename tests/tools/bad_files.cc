#include "tests/tools/bad_files.h"

#include <cstring>

namespace intformer {
namespace test {
namespace {

void Put(Bytes* b, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutStr(Bytes* b, const std::string& s) { b->insert(b->end(), s.begin(), s.end()); }

// Pickle helpers: BININT (signed 4 bytes) is enough for every number a test needs.
void PInt(Bytes* b, int64_t v) {
  b->push_back('J');
  Put(b, static_cast<uint32_t>(static_cast<int32_t>(v)), 4);
}
void PStr(Bytes* b, const std::string& s) {
  b->push_back('X');
  Put(b, s.size(), 4);
  PutStr(b, s);
}
void PIntTuple(Bytes* b, const std::vector<int64_t>& v) {
  b->push_back('(');
  for (int64_t x : v) PInt(b, x);
  b->push_back('t');
}

}  // namespace

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes MakeSafetensors(const std::string& header_json, const Bytes& data) {
  Bytes b;
  Put(&b, header_json.size(), 8);
  PutStr(&b, header_json);
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

Bytes FloatBytes(const std::vector<float>& v) {
  Bytes b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

Bytes MakeZip(const std::vector<std::pair<std::string, Bytes>>& entries, uint16_t method) {
  Bytes out, cd;
  for (const auto& [name, data] : entries) {
    const size_t local = out.size();
    Put(&out, 0x04034b50, 4);
    Put(&out, 20, 2);
    Put(&out, 0, 2);          // flags
    Put(&out, method, 2);
    Put(&out, 0, 4);          // time, date
    Put(&out, 0, 4);          // crc (not checked by the reader)
    Put(&out, data.size(), 4);
    Put(&out, data.size(), 4);
    Put(&out, name.size(), 2);
    Put(&out, 0, 2);
    PutStr(&out, name);
    out.insert(out.end(), data.begin(), data.end());

    Put(&cd, 0x02014b50, 4);
    Put(&cd, 20, 2);
    Put(&cd, 20, 2);
    Put(&cd, 0, 2);
    Put(&cd, method, 2);
    Put(&cd, 0, 4);
    Put(&cd, 0, 4);
    Put(&cd, data.size(), 4);
    Put(&cd, data.size(), 4);
    Put(&cd, name.size(), 2);
    Put(&cd, 0, 2);  // extra
    Put(&cd, 0, 2);  // comment
    Put(&cd, 0, 2);  // disk
    Put(&cd, 0, 2);  // internal attrs
    Put(&cd, 0, 4);  // external attrs
    Put(&cd, local, 4);
    PutStr(&cd, name);
  }
  const size_t cd_offset = out.size();
  out.insert(out.end(), cd.begin(), cd.end());
  Put(&out, 0x06054b50, 4);
  Put(&out, 0, 4);
  Put(&out, entries.size(), 2);
  Put(&out, entries.size(), 2);
  Put(&out, cd.size(), 4);
  Put(&out, cd_offset, 4);
  Put(&out, 0, 2);
  return out;
}

Bytes StateDictPickle(const std::string& name, const std::string& storage, int64_t numel,
                      int64_t offset, const std::vector<int64_t>& shape,
                      const std::vector<int64_t>& strides) {
  Bytes b = {0x80, 2, '}', '('};
  PStr(&b, name);
  PutStr(&b, "ctorch._utils\n_rebuild_tensor_v2\n(");
  b.push_back('(');
  PStr(&b, "storage");
  PutStr(&b, "ctorch\n" + storage + "\n");
  PStr(&b, "0");
  PStr(&b, "cpu");
  PInt(&b, numel);
  b.push_back('t');
  b.push_back('Q');
  PInt(&b, offset);
  PIntTuple(&b, shape);
  PIntTuple(&b, strides);
  b.push_back(0x89);
  PutStr(&b, "ccollections\nOrderedDict\n)R");
  b.push_back('t');
  b.push_back('R');
  b.push_back('u');
  b.push_back('.');
  return b;
}

Bytes MakeTorchZip(const Bytes& pickle, const Bytes& storage0) {
  return MakeZip({{"archive/data.pkl", pickle}, {"archive/data/0", storage0},
                  {"archive/version", ToBytes("3\n")}});
}

}  // namespace test
}  // namespace intformer
