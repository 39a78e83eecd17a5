// NativeViT: timm-named ViT modules in LibTorch, weights from safetensors. See vit.hpp.
// Shapes: B batch, N = 1 + (image / patch)^2 tokens, D width, H heads, d = D / H.
#include "stx/histology/torch/vit.hpp"


#include <array>
#include <filesystem>
#include <regex>

#include "../encoders/patches.hpp"
#include "stx/core/error.hpp"
#include "stx/core/hash.hpp"
#include "stx/histology/torch/vit_tail.hpp"
#include "stx/histology/weights/weights.hpp"
#include "load_weights.hpp"
#include "backbone_runner.hpp"
#include "native_encoder.hpp"
#include "patch_tensor.hpp"
#include "stx/torch/tensor_values.hpp"
#include "stx/torch/torch_compat.hpp"

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

// timm's LayerScale (CaiT; used by UNI): a learned per-channel scale on each residual branch.
struct LayerScaleImpl : nn::Module {
  explicit LayerScaleImpl(int64_t dim) { gamma = register_parameter("gamma", torch::ones({dim})); }
  torch::Tensor forward(const torch::Tensor& x) { return x * gamma; }
  torch::Tensor gamma;
};
TORCH_MODULE(LayerScale);

nn::LayerNorm layer_norm(int64_t dim, double eps) { return nn::LayerNorm(nn::LayerNormOptions({dim}).eps(eps)); }

struct BlockImpl : nn::Module {
  explicit BlockImpl(const ViTShape& s) {
    norm1 = register_module("norm1", layer_norm(s.width, s.norm_eps));
    attn = register_module("attn", Attention(s.width, s.heads));
    norm2 = register_module("norm2", layer_norm(s.width, s.norm_eps));
    mlp = register_module("mlp", Mlp(s.width, s.mlp));
    if (s.layer_scale) {
      ls1 = register_module("ls1", LayerScale(s.width));
      ls2 = register_module("ls2", LayerScale(s.width));
    }
  }
  torch::Tensor forward(torch::Tensor x) {
    const auto a = attn(norm1(x));
    x = x + (ls1 ? ls1(a) : a);
    const auto m = mlp(norm2(x));
    return x + (ls2 ? ls2(m) : m);
  }
  nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  Attention attn{nullptr};
  Mlp mlp{nullptr};
  LayerScale ls1{nullptr}, ls2{nullptr};
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
  explicit VisionTransformerImpl(const ViTShape& s) : pos_embed_has_prefix(s.pos_embed_has_prefix) {
    const int64_t patches = (s.image / s.patch) * (s.image / s.patch);
    cls_token = register_parameter("cls_token", torch::zeros({1, 1, s.width}));
    if (s.registers > 0) reg_token = register_parameter("reg_token", torch::zeros({1, s.registers, s.width}));
    const int64_t positions = patches + (s.pos_embed_has_prefix ? 1 + s.registers : 0);
    pos_embed = register_parameter("pos_embed", torch::zeros({1, positions, s.width}));
    patch_embed = register_module("patch_embed", PatchEmbed(s.width, s.patch));
    blocks = register_module("blocks", nn::ModuleList());
    for (int64_t i = 0; i < s.depth; ++i) blocks->push_back(Block(s));
    norm = register_module("norm", layer_norm(s.width, s.norm_eps));
  }
  // Tokens (B, N, D) after the first `run_blocks` blocks.
  torch::Tensor tokens(const torch::Tensor& images, int64_t run_blocks) {  // (B, 3, S, S)
    auto x = patch_embed(images);  // (B, patches, D)
    const int64_t b = x.size(0), d = x.size(2);
    std::vector<torch::Tensor> prefix = {cls_token.expand({b, 1, d})};
    if (reg_token.defined()) prefix.push_back(reg_token.expand({b, reg_token.size(1), d}));
    // timm: position embeddings cover the class and register tokens, or (no_embed_class, as in
    // register models) the patches only
    if (!pos_embed_has_prefix) x = x + pos_embed;
    prefix.push_back(x);
    x = torch::cat(prefix, 1);  // (B, N, D)
    if (pos_embed_has_prefix) x = x + pos_embed;
    for (int64_t i = 0; i < run_blocks; ++i) x = blocks[static_cast<size_t>(i)]->as<Block>()->forward(x);
    return x;
  }
  torch::Tensor forward(const torch::Tensor& images) {
    return norm(tokens(images, static_cast<int64_t>(blocks->size()))).select(1, 0);  // (B, D): the class token
  }
  bool pos_embed_has_prefix;
  torch::Tensor cls_token, reg_token, pos_embed;
  PatchEmbed patch_embed{nullptr};
  nn::ModuleList blocks{nullptr};
  nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(VisionTransformer);

// Merges Hugging Face's separate query/key/value projections into timm's fused qkv (q, k, v
// stacked along the output dimension, as timm and torchvision store them).
void fuse_hf_qkv(StateDict& w) {
  for (int64_t i = 0;; ++i) {
    const std::string base = "encoder.layer." + std::to_string(i) + ".attention.attention.";
    if (!w.count(base + "query.weight")) break;
    for (const std::string kind : {"weight", "bias"}) {
      WeightTensor fused;
      for (const std::string part : {"query.", "key.", "value."}) {
        const auto it = w.find(base + part + kind);
        if (it == w.end()) break;  // left for check_state_dict to report
        fused.dtype = it->second.dtype;
        fused.shape = it->second.shape;
        fused.values.insert(fused.values.end(), it->second.values.begin(), it->second.values.end());
        w.erase(it);
      }
      fused.shape[0] *= 3;
      w["blocks." + std::to_string(i) + ".attn.qkv." + kind] = std::move(fused);
    }
  }
}

// Any of the three namings (timm, torchvision, Hugging Face transformers) to timm's.
StateDict to_timm_names(StateDict weights, ViTNaming& naming) {
  weights = strip_wrapper_prefix(std::move(weights), "vit.");  // HF: ViTFor... models
  naming = weights.count("class_token")                 ? ViTNaming::torchvision
           : weights.count("embeddings.cls_token")      ? ViTNaming::huggingface
                                                        : ViTNaming::timm;
  if (naming == ViTNaming::huggingface) fuse_hf_qkv(weights);
  StateDict out;
  for (auto& [name, tensor] : weights) {
    const std::string mapped = naming == ViTNaming::torchvision   ? torchvision_to_timm_vit_name(name)
                               : naming == ViTNaming::huggingface ? huggingface_to_timm_vit_name(name)
                               : name.rfind("head.", 0) == 0      ? std::string()  // classifier
                                                                  : name;
    if (!mapped.empty()) out.emplace(mapped, std::move(tensor));
  }
  return out;
}

const WeightTensor& require(const StateDict& w, const std::string& name, const std::string& path) {
  const auto it = w.find(name);
  STX_CHECK(it != w.end(), FormatError, "{}: no '{}': not ViT weights in timm or torchvision naming", path, name);
  return it->second;
}

int64_t exact_sqrt(int64_t n) {
  const auto r = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(std::max<int64_t>(0, n)))));
  return r * r == n ? r : -1;
}

ViTShape infer_shape(const StateDict& w, const std::string& path, ViTNaming naming) {
  ViTShape s;
  s.norm_eps = naming == ViTNaming::huggingface ? 1e-12 : 1e-6;  // transformers' ViTConfig default
  const auto& proj = require(w, "patch_embed.proj.weight", path).shape;  // (D, 3, P, P)
  const auto& pos = require(w, "pos_embed", path).shape;                 // (1, N, D)
  const auto& fc1 = require(w, "blocks.0.mlp.fc1.weight", path).shape;   // (hidden, D)
  STX_CHECK(proj.size() == 4 && pos.size() == 3 && fc1.size() == 2, FormatError,
            "{}: unexpected ranks for patch_embed.proj.weight / pos_embed / mlp.fc1.weight", path);
  s.width = proj[0];
  s.patch = proj[2];
  s.mlp = fc1[0];
  // a degenerate tensor would divide by zero while the model is built (SIGFPE)
  STX_CHECK(s.width > 0 && proj[1] == 3 && s.patch > 0 && proj[3] == s.patch && s.mlp > 0 && pos[2] == s.width,
            FormatError, "{}: patch_embed.proj.weight of shape ({}, {}, {}, {}): expected (width, 3, patch, patch) "
            "with positive sizes matching pos_embed", path, proj[0], proj[1], proj[2], proj[3]);
  s.heads = std::max<int64_t>(1, s.width / 64);
  if (w.count("reg_token")) s.registers = w.at("reg_token").shape.size() == 3 ? w.at("reg_token").shape[1] : 0;
  s.layer_scale = w.count("blocks.0.ls1.gamma") > 0;
  int64_t grid = exact_sqrt(pos[1] - 1 - s.registers);  // positions for class, registers, patches
  s.pos_embed_has_prefix = grid > 0;
  if (!s.pos_embed_has_prefix) grid = exact_sqrt(pos[1]);  // timm's no_embed_class: patches only
  STX_CHECK(grid > 0, FormatError,
            "{}: pos_embed has {} positions: neither 1 + {} registers + a square grid of patches nor a "
            "square grid", path, pos[1], s.registers);
  s.image = grid * s.patch;
  while (w.count("blocks." + std::to_string(s.depth) + ".norm1.weight")) ++s.depth;
  return s;
}

// Both the encoder and its tail come from the weights file the same way.
VisionTransformer load_vision_transformer(const std::string& path, ViTShape& shape) {
  ViTNaming naming = ViTNaming::timm;
  const StateDict weights = to_timm_names(read_weights(path), naming);
  shape = infer_shape(weights, path, naming);
  shape.naming = naming;
  VisionTransformer model(shape);
  load_weights_strictly(*model, weights, path);
  model->eval();
  return model;
}

ViTShape block_shape(const ViTTailShape& t) {
  ViTShape s;
  s.width = t.width;
  s.heads = t.heads;
  s.mlp = t.mlp;
  s.layer_scale = t.layer_scale;
  s.norm_eps = t.norm_eps;
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

std::string huggingface_to_timm_vit_name(const std::string& name) {
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex("^embeddings\\.cls_token$"), "cls_token"},
      {std::regex("^embeddings\\.position_embeddings$"), "pos_embed"},
      {std::regex("^embeddings\\.patch_embeddings\\.projection\\.(weight|bias)$"), "patch_embed.proj.$1"},
      {std::regex("^encoder\\.layer\\.(\\d+)\\.layernorm_before\\.(weight|bias)$"), "blocks.$1.norm1.$2"},
      {std::regex("^encoder\\.layer\\.(\\d+)\\.layernorm_after\\.(weight|bias)$"), "blocks.$1.norm2.$2"},
      {std::regex("^encoder\\.layer\\.(\\d+)\\.attention\\.output\\.dense\\.(weight|bias)$"), "blocks.$1.attn.proj.$2"},
      {std::regex("^encoder\\.layer\\.(\\d+)\\.intermediate\\.dense\\.(weight|bias)$"), "blocks.$1.mlp.fc1.$2"},
      {std::regex("^encoder\\.layer\\.(\\d+)\\.output\\.dense\\.(weight|bias)$"), "blocks.$1.mlp.fc2.$2"},
      {std::regex("^layernorm\\.(weight|bias)$"), "norm.$1"},
      {std::regex("^pooler\\..*"), ""},  // ViTModel's pooler: not the CLS features Phikon uses
      {std::regex("^embeddings\\.mask_token$"), ""},  // masked-image pretraining only
      {std::regex("^classifier\\..*"), ""},
  };
  for (const auto& [pattern, replacement] : rules)
    if (std::regex_match(name, pattern)) return std::regex_replace(name, pattern, replacement);
  return name;
}

ViTTailImpl::ViTTailImpl(const ViTTailShape& shape) : shape_(shape) {
  blocks_ = register_module("blocks", nn::ModuleList());
  for (int64_t i = 0; i < shape.blocks; ++i) blocks_->push_back(Block(block_shape(shape)));
  norm_ = register_module("norm", layer_norm(shape.width, shape.norm_eps));
}

torch::Tensor ViTTailImpl::forward(const torch::Tensor& tokens) {
  auto x = tokens;
  for (const auto& block : *blocks_) x = block->as<Block>()->forward(x);
  return norm_(x).select(1, 0);
}

ViTTail load_vit_tail(const std::string& weights_path, int64_t blocks) {
  ViTShape s;
  const VisionTransformer vit = load_vision_transformer(weights_path, s);
  STX_CHECK(blocks >= 1 && blocks <= s.depth, ConfigError,
            "{}: cannot fine-tune {} blocks of a ViT with {}", weights_path, blocks, s.depth);
  ViTTail tail(ViTTailShape{blocks, s.width, s.heads, s.mlp, s.layer_scale, s.norm_eps});
  torch::NoGradGuard no_grad;
  auto target = tail->named_parameters();
  for (const auto& p : vit->named_parameters()) {
    // blocks.(depth - blocks + i).X -> blocks.i.X; norm.X -> norm.X; the rest stays frozen
    std::string name = p.key();
    if (name.rfind("blocks.", 0) == 0) {
      const size_t dot = name.find('.', 7);
      const int64_t index = std::stoll(name.substr(7, dot - 7)) - (s.depth - blocks);
      if (index < 0) continue;
      name = "blocks." + std::to_string(index) + name.substr(dot);
    } else if (name.rfind("norm.", 0) != 0) {
      continue;
    }
    target[name].copy_(p.value());
  }
  return tail;
}

struct NativeViT::Impl {
  ViTShape shape;
  BackboneRunner<VisionTransformer> run;
};

NativeViT::NativeViT(const std::string& path, int threads) : impl_(std::make_unique<Impl>()) {
  torch_compat::set_threads(threads);
  impl_->run.model = load_vision_transformer(path, impl_->shape);
}

NativeViT::~NativeViT() = default;

void NativeViT::use_bfloat16() { impl_->run.use_bfloat16(); }

void NativeViT::use_device(const std::string& device) { impl_->run.use_device(device); }

const ViTShape& NativeViT::shape() const { return impl_->shape; }

std::vector<float> NativeViT::encode_patches(const std::vector<cv::Mat>& patches) const {
  return impl_->run.encode_patches(patches, impl_->shape.image);
}

std::vector<float> NativeViT::forward(const std::vector<float>& images, int64_t batch) const {
  return impl_->run.forward(images, batch, impl_->shape.image, "ViT");
}

std::vector<float> NativeViT::prefix_tokens(const std::vector<cv::Mat>& patches, int64_t tail_blocks) const {
  STX_CHECK(tail_blocks >= 1 && tail_blocks <= impl_->shape.depth, ConfigError,
            "cannot fine-tune {} blocks of a ViT with {}", tail_blocks, impl_->shape.depth);
  const torch::Tensor input = imagenet_patches(patches, impl_->shape.image);
  torch_compat::InferenceGuard guard;
  return to_vector(impl_->run.model->tokens(input.to(impl_->run.device, impl_->run.dtype), impl_->shape.depth - tail_blocks));
}

int64_t NativeViT::token_count() const {
  const int64_t grid = impl_->shape.image / impl_->shape.patch;
  return grid * grid + 1 + impl_->shape.registers;
}

std::vector<float> encode_vit_tokens(const Slide& slide, const NativeViT& vit, const EncoderOptions& options,
                                     int64_t tail_blocks) {
  const auto normalizer = make_normalizer(slide, load_stain_reference(options.stain_reference));
  std::vector<uint8_t> off_image;
  Progress progress("encode", slide.n_spots());
  return encode_in_batches(slide, options.patch, 0, slide.n_spots(), options.batch_size, normalizer, off_image,
                           progress,
                           [&](const std::vector<cv::Mat>& patches) { return vit.prefix_tokens(patches, tail_blocks); });
}

std::unique_ptr<Encoder> make_vit_encoder(const EncoderOptions& options) {
  auto vit = std::make_shared<NativeViT>(checked_weights_path(options, "vit"), options.threads);
  if (options.bf16) vit->use_bfloat16();
  vit->use_device(options.device);
  const ViTShape& s = vit->shape();
  return make_native_encoder(options, fmt::format("vit-d{}-p{}{}", s.width, s.patch, options.bf16 ? "-bf16" : ""),
                             "vit", s.width,
                             [vit](const std::vector<cv::Mat>& patches) { return vit->encode_patches(patches); });
}

}  // namespace stx
