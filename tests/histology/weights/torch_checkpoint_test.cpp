// The .pth/.bin reader on archives written here with LibTorch's own zip writer, holding
// hand-assembled pickles: what torch.save emits is read (views into shared storages, nested
// checkpoints), and everything else is refused without being executed. The real torch.save
// output is covered by vit_test.cpp (fixtures from Debian's python3-torch).
#include <caffe2/serialize/inline_container.h>

#include "weights/torch_pickle.hpp"
#include "stx/histology/weights/weights.hpp"
#include "test_support.hpp"

namespace stx {
namespace {

void write_archive(const std::string& path, const std::string& pickle,
                   const std::vector<std::pair<std::string, std::string>>& records = {}) {
  caffe2::serialize::PyTorchStreamWriter zip(path);
  zip.writeRecord("data.pkl", pickle.data(), pickle.size());
  for (const auto& [name, bytes] : records) zip.writeRecord(name, bytes.data(), bytes.size());
  zip.writeEndOfFile();
}

std::string unicode(const std::string& s) {  // SHORT_BINUNICODE
  return std::string("\x8c") + static_cast<char>(s.size()) + s;
}

// {"w": tensor of shape `shape` with `stride`, offset `offset`, over FloatStorage "0" of n floats}
std::string one_tensor_pickle(int n, int offset, const std::string& shape_tuple, const std::string& stride_tuple) {
  return std::string("\x80\x02}(") + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n((" + unicode("storage") +
         "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + "K" + static_cast<char>(n) + "tQK" +
         static_cast<char>(offset) + shape_tuple + stride_tuple + "\x89}tRu.";
}

std::string floats(std::vector<float> v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4); }

TEST(TorchCheckpoint, ReadsStridedViewsAtAnOffset) {
  test::TempDir dir;
  // storage 0..7; w = storage[1:7].view(2, 3).t(): shape (3, 2), stride (1, 3), offset 1
  write_archive(dir / "t.pth", one_tensor_pickle(8, 1, "K\x03K\x02\x86", "K\x01K\x03\x86"),
                {{"data/0", floats({0, 1, 2, 3, 4, 5, 6, 7})}});
  const StateDict w = read_torch_checkpoint(dir / "t.pth");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w.at("w").shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(w.at("w").values, (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(read_weights(dir / "t.pth").at("w").values, w.at("w").values);
}

TEST(TorchCheckpoint, RefusesWhatIsNotATensorStateDict) {
  test::TempDir dir;
  // a pickle that would run a shell command in Python: refused by name, nothing executed
  const std::string evil = std::string("\x80\x02") + "cposix\nsystem\n" + unicode("touch pwned") + "\x85R.";
  EXPECT_STX_ERROR(read_torch_pickle(evil, "evil.pkl"), FormatError, "refuses pickle global 'posix.system'");
  write_archive(dir / "evil.pth", evil);
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "evil.pth"), FormatError, "refuses pickle global 'posix.system'");
  EXPECT_FALSE(std::filesystem::exists("pwned"));
  EXPECT_STX_ERROR(read_torch_pickle(std::string("\x80\x02") + "cbuiltins\neval\n.", "x"), FormatError,
                   "refuses pickle global 'builtins.eval'");
  // an opcode outside the subset (INST), a truncated stream
  EXPECT_STX_ERROR(read_torch_pickle("i__main__\nX\n.", "x"), FormatError, "opcode 0x69");
  EXPECT_STX_ERROR(read_torch_pickle(std::string("\x80\x02}(") + unicode("a"), "x"), FormatError, "ends early");
  // lists nested 10^6 deep (a stack overflow when freed): refused at the bound; 50 deep is fine
  const auto nested = [](int n) { return std::string("\x80\x02") + std::string(n, ']') + std::string(n - 1, 'a') + "."; };
  EXPECT_STX_ERROR(read_torch_pickle(nested(1'000'000), "deep.pkl"), FormatError, "nested more than 100 deep");
  EXPECT_EQ(read_torch_pickle(nested(50), "x")->depth, 49);
  // a list appended to itself through the memo (BINPUT 0, BINGET 0, APPEND): a cycle of
  // shared pointers that would never be freed (found by fuzz/fuzz_pickle)
  EXPECT_STX_ERROR(read_torch_pickle(std::string("\x80\x02]q\x00h\x00" "a.", 8), "cycle.pkl"), FormatError,
                   "a container inside itself");
  // Items added after a container was nested escape the depth bound, so freeing must not
  // recurse: a chain of 10^6 single-owner lists goes without overflowing the stack.
  {
    auto root = std::make_shared<PickleObject>();
    PickleObject* tail = root.get();
    for (int i = 0; i < 1'000'000; ++i) {
      tail->items.push_back(std::make_shared<PickleObject>());
      tail = tail->items.back().get();
    }
  }
  // no tensors anywhere: the keys are listed
  write_archive(dir / "epoch.pth", std::string("\x80\x02}(") + unicode("epoch") + "K\x03" + unicode("lr") + "K\x01u.");
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "epoch.pth"), FormatError, "keys: epoch, lr");
  // a storage shorter than the tensor needs
  write_archive(dir / "short.pth", one_tensor_pickle(8, 1, "K\x03K\x02\x86", "K\x01K\x03\x86"), {{"data/0", floats({0, 1})}});
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "short.pth"), FormatError, "storage 0 has 8 bytes, expected 8 elements");
  // a view reaching past its storage
  write_archive(dir / "past.pth", one_tensor_pickle(4, 1, "K\x03K\x02\x86", "K\x01K\x03\x86"), {{"data/0", floats({0, 1, 2, 3})}});
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "past.pth"), FormatError, "reaches element 6 of a storage of 4");
}

TEST(TorchCheckpoint, DamagedOrForeignFiles) {
  test::TempDir dir;
  const std::string whole = test::read_text(test::fixture("vit/tiny_vit_torchvision.pth"));
  test::write_text(dir / "cut.pth", whole.substr(0, whole.size() / 2));
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "cut.pth"), FormatError, "cut.pth: unreadable PyTorch archive");
  test::write_text(dir / "legacy.pth", std::string("\x80\x02\x8a\x0a" "l\xfc\x9c" "F\xf9" " j\xa8" "P\x19."));
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "legacy.pth"), FormatError, "legacy (before PyTorch 1.6)");
  test::write_text(dir / "text.pth", "hello, not a checkpoint");
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "text.pth"), FormatError, "not a PyTorch checkpoint");
  EXPECT_STX_ERROR(read_torch_checkpoint(dir / "absent.pth"), IoError, "weights file not found");
}

}  // namespace
}  // namespace stx
