// NativeViT: timm-named ViT modules in LibTorch, weights from safetensors. See vit.hpp.
// Shapes: B batch, N = 1 + (image / patch)^2 tokens, D width, H heads, d = D / H.
#include "stx/histology/vit.hpp"


#include <array>
#include <filesystem>
#include <regex>

#include "../patches.hpp"
#include "stx/core/error.hpp"
#include "stx/core/hash.hpp"
#include "stx/histology/weights.hpp"
#include "patch_tensor.hpp"
#include "torch_compat.hpp"

namespace stx {
namespace {

namespace nn = torch::nn;

struct AttentionImpl : nn::Module {
  AttentionImpl(int64_t dim, int64_t n_heads) : heads(n_heads) {
    qkv = register_module("qkv", nn::Linear(dim, 3 * dim));
    proj = register_module("proj", nn::Linear(dim, dim));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    // Inference: the fused kernel (PyTorch's own fast path); training: the explicit form.
    if (c10::InferenceMode::is_enabled())
      return torch_compat::fused_self_attention(x, heads, qkv->weight, qkv->bias, proj->weight, proj->bias);
    const int64_t b = x.size(0), n = x.size(1), d = x.size(2);
    auto parts = qkv(x).reshape({b, n, 3, heads, d / heads}).permute({2, 0, 3, 1, 4});  // (3, B, H, N, d)
    const auto q = parts[0], k = parts[1], v = parts[2];
    const double scale = 1.0 / std::sqrt(static_cast<double>(d / heads));
    const auto attention = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) * scale, -1);  // (B, H, N, N)
    return proj(torch::matmul(attention, v).transpose(1, 2).reshape({b, n, d}));              // (B, N, D)
  }
  int64_t heads;
  nn::Linear qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention);

struct MlpImpl : nn::Module {
  MlpImpl(int64_t dim, int64_t hidden) {
    fc1 = register_module("fc1", nn::Linear(dim, hidden));
    fc2 = register_module("fc2", nn::Linear(hidden, dim));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2(torch::gelu(fc1(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

struct BlockImpl : nn::Module {
  BlockImpl(int64_t dim, int64_t heads, int64_t hidden) {
    norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
    attn = register_module("attn", Attention(dim, heads));
    norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-6)));
    mlp = register_module("mlp", Mlp(dim, hidden));
  }
  torch::Tensor forward(torch::Tensor x) {
    x = x + attn(norm1(x));
    return x + mlp(norm2(x));
  }
  nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  Attention attn{nullptr};
  Mlp mlp{nullptr};
};
TORCH_MODULE(Block);

struct PatchEmbedImpl : nn::Module {
  PatchEmbedImpl(int64_t dim, int64_t patch) {
    proj = register_module("proj", nn::Conv2d(nn::Conv2dOptions(3, dim, patch).stride(patch)));
  }
  torch::Tensor forward(const torch::Tensor& x) { return proj(x).flatten(2).transpose(1, 2); }  // (B, N-1, D)
  nn::Conv2d proj{nullptr};
};
TORCH_MODULE(PatchEmbed);

struct VisionTransformerImpl : nn::Module {
  explicit VisionTransformerImpl(const ViTShape& s) {
    const int64_t tokens = 1 + (s.image / s.patch) * (s.image / s.patch);
    cls_token = register_parameter("cls_token", torch::zeros({1, 1, s.width}));
    pos_embed = register_parameter("pos_embed", torch::zeros({1, tokens, s.width}));
    patch_embed = register_module("patch_embed", PatchEmbed(s.width, s.patch));
    blocks = register_module("blocks", nn::ModuleList());
    for (int64_t i = 0; i < s.depth; ++i) blocks->push_back(Block(s.width, s.heads, s.mlp));
    norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({s.width}).eps(1e-6)));
  }
  torch::Tensor forward(const torch::Tensor& images) {  // (B, 3, S, S)
    auto x = patch_embed(images);
    x = torch::cat({cls_token.expand({x.size(0), 1, x.size(2)}), x}, 1) + pos_embed;  // (B, N, D)
    for (const auto& block : *blocks) x = block->as<Block>()->forward(x);
    return norm(x).select(1, 0);  // (B, D)
  }
  torch::Tensor cls_token, pos_embed;
  PatchEmbed patch_embed{nullptr};
  nn::ModuleList blocks{nullptr};
  nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(VisionTransformer);

StateDict to_timm_names(const StateDict& weights) {
  const bool torchvision = weights.count("class_token") > 0;
  StateDict out;
  for (const auto& [name, tensor] : weights) {
    const std::string mapped = torchvision ? torchvision_to_timm_vit_name(name) : name;
    if (!mapped.empty()) out.emplace(mapped, tensor);
  }
  return out;
}

const WeightTensor& require(const StateDict& w, const std::string& name, const std::string& path) {
  const auto it = w.find(name);
  STX_CHECK(it != w.end(), FormatError, "{}: no '{}': not ViT weights in timm or torchvision naming", path, name);
  return it->second;
}

ViTShape infer_shape(const StateDict& w, const std::string& path) {
  ViTShape s;
  const auto& proj = require(w, "patch_embed.proj.weight", path).shape;  // (D, 3, P, P)
  const auto& pos = require(w, "pos_embed", path).shape;                 // (1, N, D)
  const auto& fc1 = require(w, "blocks.0.mlp.fc1.weight", path).shape;   // (hidden, D)
  STX_CHECK(proj.size() == 4 && pos.size() == 3 && fc1.size() == 2, FormatError,
            "{}: unexpected ranks for patch_embed.proj.weight / pos_embed / mlp.fc1.weight", path);
  s.width = proj[0];
  s.patch = proj[2];
  s.mlp = fc1[0];
  s.heads = std::max<int64_t>(1, s.width / 64);
  const int64_t grid = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(pos[1] - 1))));
  STX_CHECK(grid * grid + 1 == pos[1], FormatError, "{}: pos_embed has {} tokens, expected 1 + a square", path, pos[1]);
  s.image = grid * s.patch;
  while (w.count("blocks." + std::to_string(s.depth) + ".norm1.weight")) ++s.depth;
  return s;
}

}  // namespace

std::string torchvision_to_timm_vit_name(const std::string& name) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex("^class_token$"), "cls_token"},
      {std::regex("^conv_proj\\.(weight|bias)$"), "patch_embed.proj.$1"},
      {std::regex("^encoder\\.pos_embedding$"), "pos_embed"},
      {std::regex("^encoder\\.ln\\.(weight|bias)$"), "norm.$1"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.ln_1\\.(weight|bias)$"), "blocks.$1.norm1.$2"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.ln_2\\.(weight|bias)$"), "blocks.$1.norm2.$2"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.self_attention\\.in_proj_(weight|bias)$"), "blocks.$1.attn.qkv.$2"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.self_attention\\.out_proj\\.(weight|bias)$"), "blocks.$1.attn.proj.$2"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.mlp\\.0\\.(weight|bias)$"), "blocks.$1.mlp.fc1.$2"},
      {std::regex("^encoder\\.layers\\.encoder_layer_(\\d+)\\.mlp\\.3\\.(weight|bias)$"), "blocks.$1.mlp.fc2.$2"},
      {std::regex("^heads\\..*"), ""},  // the ImageNet classifier: not part of the encoder
  };
  for (const auto& [pattern, replacement] : rules)
    if (std::regex_match(name, pattern)) return std::regex_replace(name, pattern, replacement);
  return name;
}

struct NativeViT::Impl {
  ViTShape shape;
  VisionTransformer model{nullptr};
};

NativeViT::NativeViT(const std::string& path, int threads) : impl_(std::make_unique<Impl>()) {
  torch_compat::set_threads(threads);
  const StateDict weights = to_timm_names(read_safetensors(path));
  impl_->shape = infer_shape(weights, path);
  impl_->model = VisionTransformer(impl_->shape);
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& p : impl_->model->named_parameters()) expected[p.key()] = p.value().sizes().vec();
  check_state_dict(weights, expected, path);
  torch::NoGradGuard no_grad;
  for (auto& p : impl_->model->named_parameters()) {
    const auto& values = weights.at(p.key()).values;
    std::memcpy(p.value().data_ptr<float>(), values.data(), values.size() * sizeof(float));
  }
  impl_->model->eval();
}

NativeViT::~NativeViT() = default;

const ViTShape& NativeViT::shape() const { return impl_->shape; }

std::vector<float> NativeViT::encode_patches(const std::vector<cv::Mat>& patches) const {
  static constexpr std::array<float, 3> kImageNetMean = {0.485f, 0.456f, 0.406f};
  static constexpr std::array<float, 3> kImageNetStd = {0.229f, 0.224f, 0.225f};
  const torch::Tensor input = patches_to_tensor(patches, impl_->shape.image, kImageNetMean, kImageNetStd);
  torch_compat::InferenceGuard guard;
  const torch::Tensor out = impl_->model->forward(input).contiguous();
  return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

std::vector<float> NativeViT::forward(const std::vector<float>& images, int64_t batch) const {
  const int64_t s = impl_->shape.image;
  STX_CHECK(static_cast<int64_t>(images.size()) == batch * 3 * s * s, ShapeError,
            "ViT forward: {} values for {} images of 3 x {} x {}", images.size(), batch, s, s);
  torch_compat::InferenceGuard guard;
  const torch::Tensor input = torch::from_blob(const_cast<float*>(images.data()), {batch, 3, s, s});
  const torch::Tensor out = impl_->model->forward(input).contiguous();
  return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

namespace {

class ViTEncoder final : public Encoder {
 public:
  explicit ViTEncoder(const EncoderOptions& options)
      : options_(options),
        vit_(options.weights, options.threads),
        weights_hash_(fmt::format("{:016x}", fnv1a64_file(options.weights)).substr(0, 12)),
        stain_target_(load_stain_reference(options.stain_reference)) {}

  std::string identity() const override {
    return fmt::format("vit-d{}-p{}-{}", vit_.shape().width, vit_.shape().patch, weights_hash_);
  }
  std::string preprocessing() const override { return stain_reference_identity(options_.stain_reference); }
  std::vector<std::string> feature_names() const override {
    std::vector<std::string> names;
    for (int64_t d = 0; d < vit_.shape().width; ++d) names.push_back(fmt::format("vit_{}", d));
    return names;
  }
  std::vector<float> encode(const Slide& slide, std::vector<uint8_t>& off_image) const override {
    const auto normalizer = make_normalizer(slide, stain_target_);
    return encode_in_batches(slide, options_.patch, options_.batch_size, normalizer, off_image,
                             [this](const std::vector<cv::Mat>& patches) { return vit_.encode_patches(patches); });
  }

 private:
  EncoderOptions options_;
  NativeViT vit_;
  std::string weights_hash_;
  std::optional<StainBasis> stain_target_;
};

}  // namespace

std::unique_ptr<Encoder> make_vit_encoder(const EncoderOptions& options) {
  STX_CHECK(!options.weights.empty(), ConfigError, "--encoder vit needs --weights MODEL.safetensors");
  STX_CHECK(std::filesystem::is_regular_file(options.weights), IoError, "{}: weights file not found",
            options.weights);
  return std::make_unique<ViTEncoder>(options);
}

}  // namespace stx
