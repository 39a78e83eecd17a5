// NativeSwin: timm-named Swin Transformer v1 modules in LibTorch. See swin.hpp.
// The window attention follows torchvision's shifted_window_attention step by step (pad to
// whole windows, cyclic shift, windows, attention with relative position bias and the -100
// mask between regions that the shift brought together, then back). Layout inside the model:
// (B, H, W, C). Legend: nW windows, N = window^2 tokens per window, d = C / heads.
#include "stx/histology/torch/swin.hpp"

#include <array>
#include <cmath>
#include <regex>

#include "backbone_runner.hpp"
#include "load_weights.hpp"
#include "native_encoder.hpp"
#include "patch_tensor.hpp"
#include "stx/torch/tensor_values.hpp"
#include "stx/core/error.hpp"
#include "stx/histology/weights/weights.hpp"
#include "stx/torch/torch_compat.hpp"

namespace stx {
namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

// Index into the (2w-1)^2 bias table for each (query, key) pair of a w x w window: (N * N).
torch::Tensor relative_position_index(int64_t w) {
  const auto grid = torch::meshgrid({torch::arange(w), torch::arange(w)}, "ij");
  const auto coords = torch::stack({grid[0].flatten(), grid[1].flatten()});  // (2, N)
  const auto rel = coords.unsqueeze(2) - coords.unsqueeze(1) + (w - 1);        // (2, N, N)
  return (rel[0] * (2 * w - 1) + rel[1]).flatten();
}

// Python's slice bounds [start, stop) on a dimension of `size`, for the mask's three regions.
std::array<std::pair<int64_t, int64_t>, 3> shift_regions(int64_t size, int64_t window, int64_t shift) {
  const auto py = [size](int64_t i) { return i < 0 ? std::max<int64_t>(0, size + i) : std::min(i, size); };
  // (0, -window), (-window, -shift), (-shift, None); with shift 0, "-0" is 0 as in Python
  return {{{0, py(-window)}, {py(-window), py(-shift)}, {py(-shift), size}}};
}

// (nW, N, N): 0 within a region, -100 across regions the cyclic shift made neighbours.
torch::Tensor shift_mask(int64_t ph, int64_t pw, int64_t window, int64_t sh, int64_t sw) {
  auto regions = torch::zeros({ph, pw});
  float count = 0;
  for (const auto& [h0, h1] : shift_regions(ph, window, sh))
    for (const auto& [w0, w1] : shift_regions(pw, window, sw)) {
      if (h1 > h0 && w1 > w0) regions.slice(0, h0, h1).slice(1, w0, w1).fill_(count);
      count += 1;
    }
  regions = regions.view({ph / window, window, pw / window, window}).permute({0, 2, 1, 3})
                .reshape({-1, window * window});  // (nW, N)
  return (regions.unsqueeze(1) - regions.unsqueeze(2)).ne(0).to(torch::kFloat32) * -100.0f;
}

struct WindowAttentionImpl : nn::Module {
  WindowAttentionImpl(int64_t dim, int64_t n_heads, int64_t w) : heads(n_heads), index(relative_position_index(w)) {
    qkv = register_module("qkv", nn::Linear(dim, 3 * dim));
    proj = register_module("proj", nn::Linear(dim, dim));
    relative_position_bias_table =
        register_parameter("relative_position_bias_table", torch::zeros({(2 * w - 1) * (2 * w - 1), n_heads}));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask) {  // x (B nW, N, C)
    const int64_t bw = x.size(0), n = x.size(1), c = x.size(2), d = c / heads;
    const auto parts = qkv(x).reshape({bw, n, 3, heads, d}).permute({2, 0, 3, 1, 4});  // (3, B nW, H, N, d)
    auto attn = torch::matmul(parts[0] * std::pow(static_cast<double>(d), -0.5), parts[1].transpose(-2, -1));
    const auto bias = relative_position_bias_table.index_select(0, index).view({n, n, heads}).permute({2, 0, 1});
    attn = attn + bias.unsqueeze(0);  // (B nW, H, N, N)
    if (mask.defined()) {
      const int64_t nw = mask.size(0);
      attn = (attn.view({bw / nw, nw, heads, n, n}) + mask.to(attn.dtype()).unsqueeze(1).unsqueeze(0)).view({bw, heads, n, n});
    }
    attn = torch::softmax(attn, -1);
    return proj(torch::matmul(attn, parts[2]).transpose(1, 2).reshape({bw, n, c}));
  }
  int64_t heads;
  torch::Tensor index;  // computed, not loaded
  nn::Linear qkv{nullptr}, proj{nullptr};
  torch::Tensor relative_position_bias_table;
};
TORCH_MODULE(WindowAttention);

struct SwinMlpImpl : nn::Module {
  SwinMlpImpl(int64_t dim, int64_t hidden) {
    fc1 = register_module("fc1", nn::Linear(dim, hidden));
    fc2 = register_module("fc2", nn::Linear(hidden, dim));
  }
  torch::Tensor forward(const torch::Tensor& x) { return fc2(torch::gelu(fc1(x))); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(SwinMlp);

nn::LayerNorm layer_norm(int64_t dim) { return nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-5)); }

struct SwinBlockImpl : nn::Module {
  SwinBlockImpl(int64_t dim, int64_t heads, int64_t w, int64_t shift_size, int64_t hidden)
      : window(w), shift(shift_size) {
    norm1 = register_module("norm1", layer_norm(dim));
    attn = register_module("attn", WindowAttention(dim, heads, w));
    norm2 = register_module("norm2", layer_norm(dim));
    mlp = register_module("mlp", SwinMlp(dim, hidden));
  }
  torch::Tensor forward(torch::Tensor x) {  // (B, H, W, C)
    x = x + shifted_window_attention(norm1(x));
    return x + mlp(norm2(x));
  }
  torch::Tensor shifted_window_attention(const torch::Tensor& input) {
    const int64_t b = input.size(0), h = input.size(1), w = input.size(2), c = input.size(3);
    const int64_t pad_b = (window - h % window) % window, pad_r = (window - w % window) % window;
    auto x = F::pad(input, F::PadFuncOptions({0, 0, 0, pad_r, 0, pad_b}));
    const int64_t ph = x.size(1), pw = x.size(2);
    const int64_t sh = window >= ph ? 0 : shift, sw = window >= pw ? 0 : shift;  // no shift in one window
    if (sh + sw > 0) x = torch::roll(x, {-sh, -sw}, {1, 2});
    const int64_t gh = ph / window, gw = pw / window;
    x = x.view({b, gh, window, gw, window, c}).permute({0, 1, 3, 2, 4, 5}).reshape({b * gh * gw, window * window, c});
    x = attn(x, sh + sw > 0 ? shift_mask(ph, pw, window, sh, sw) : torch::Tensor());
    x = x.view({b, gh, gw, window, window, c}).permute({0, 1, 3, 2, 4, 5}).reshape({b, ph, pw, c});
    if (sh + sw > 0) x = torch::roll(x, {sh, sw}, {1, 2});
    return x.slice(1, 0, h).slice(2, 0, w).contiguous();
  }
  int64_t window, shift;
  nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  WindowAttention attn{nullptr};
  SwinMlp mlp{nullptr};
};
TORCH_MODULE(SwinBlock);

struct PatchMergingImpl : nn::Module {
  explicit PatchMergingImpl(int64_t dim) {
    norm = register_module("norm", layer_norm(4 * dim));
    reduction = register_module("reduction", nn::Linear(nn::LinearOptions(4 * dim, 2 * dim).bias(false)));
  }
  torch::Tensor forward(torch::Tensor x) {  // (B, H, W, C) -> (B, H/2, W/2, 2C)
    x = F::pad(x, F::PadFuncOptions({0, 0, 0, x.size(2) % 2, 0, x.size(1) % 2}));
    const auto at = [&](int64_t r, int64_t c) { return x.slice(1, r, x.size(1), 2).slice(2, c, x.size(2), 2); };
    return reduction(norm(torch::cat({at(0, 0), at(1, 0), at(0, 1), at(1, 1)}, -1)));
  }
  nn::LayerNorm norm{nullptr};
  nn::Linear reduction{nullptr};
};
TORCH_MODULE(PatchMerging);

struct SwinStageImpl : nn::Module {
  SwinStageImpl(int64_t dim, int64_t depth, int64_t heads, int64_t window, int64_t hidden, bool merge) {
    blocks = register_module("blocks", nn::ModuleList());
    for (int64_t j = 0; j < depth; ++j) blocks->push_back(SwinBlock(dim, heads, window, j % 2 ? window / 2 : 0, hidden));
    if (merge) downsample = register_module("downsample", PatchMerging(dim));
  }
  torch::Tensor forward(torch::Tensor x) {
    for (const auto& block : *blocks) x = block->as<SwinBlock>()->forward(x);
    return downsample ? downsample(x) : x;
  }
  nn::ModuleList blocks{nullptr};
  PatchMerging downsample{nullptr};
};
TORCH_MODULE(SwinStage);

struct SwinTransformerImpl : nn::Module {
  SwinTransformerImpl(const SwinShape& s, const std::vector<int64_t>& stem_channels, int64_t mlp_ratio) {
    auto embed = std::make_shared<nn::Module>();
    if (s.conv_stem) {  // CTransPath's ConvStem: proj.0/1 conv-BN, proj.3/4 conv-BN, proj.6 1x1 conv
      nn::Sequential stem;
      int64_t in = 3;
      for (int64_t out : stem_channels) {
        stem->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(2).padding(1).bias(false)));
        stem->push_back(nn::BatchNorm2d(out));
        stem->push_back(nn::ReLU());
        in = out;
      }
      stem->push_back(nn::Conv2d(nn::Conv2dOptions(in, s.embed, 1)));
      proj = embed->register_module("proj", stem);
    } else {
      proj = embed->register_module("proj", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, s.embed, s.patch).stride(s.patch))));
    }
    embed_norm = embed->register_module("norm", layer_norm(s.embed));
    register_module("patch_embed", embed);
    layers = register_module("layers", nn::ModuleList());
    int64_t dim = s.embed;
    for (size_t k = 0; k < s.depths.size(); ++k) {
      layers->push_back(SwinStage(dim, s.depths[k], s.heads[k], s.window, mlp_ratio * dim, k + 1 < s.depths.size()));
      if (k + 1 < s.depths.size()) dim *= 2;
    }
    norm = register_module("norm", layer_norm(dim));
  }
  torch::Tensor forward(const torch::Tensor& images) {  // (B, 3, S, S) -> (B, F)
    auto x = embed_norm(proj->forward(images).permute({0, 2, 3, 1}));  // (B, H, W, C)
    for (const auto& layer : *layers) x = layer->as<SwinStage>()->forward(x);
    return norm(x).mean({1, 2});
  }
  nn::Sequential proj{nullptr};
  nn::LayerNorm embed_norm{nullptr}, norm{nullptr};
  nn::ModuleList layers{nullptr};
};
TORCH_MODULE(SwinTransformer);

// torchvision, and timm >= 0.9 (merging at the start of the next stage), to timm 0.5 names.
StateDict to_timm05_names(StateDict weights) {
  weights = strip_wrapper_prefix(std::move(weights));
  const bool torchvision = weights.count("features.0.0.weight") > 0;
  const bool merge_first = !torchvision && !weights.count("layers.0.downsample.reduction.weight") &&
                           weights.count("layers.1.downsample.reduction.weight");
  static const std::regex merge_at_start("^layers\\.(\\d+)\\.downsample\\.(.*)$");
  static const std::regex not_loaded("(^head\\..*|.*relative_position_index$|.*attn_mask$)");
  StateDict out;
  for (auto& [name, tensor] : weights) {
    std::string mapped = torchvision ? torchvision_to_timm_swin_name(name) : name;
    std::smatch m;
    if (merge_first && std::regex_match(mapped, m, merge_at_start))
      mapped = "layers." + std::to_string(std::stoll(m[1]) - 1) + ".downsample." + m[2].str();
    if (!mapped.empty() && !std::regex_match(mapped, not_loaded)) out.emplace(mapped, std::move(tensor));
  }
  return out;
}

const std::vector<int64_t>& shape_of(const StateDict& w, const std::string& name, const std::string& path) {
  const auto it = w.find(name);
  STX_CHECK(it != w.end(), FormatError, "{}: no '{}': not Swin weights in timm or torchvision naming", path, name);
  return it->second.shape;
}

// Dimension `index` of a tensor, which must exist and be positive (a degenerate tensor would
// divide by zero while the model is built).
int64_t positive_dim(const StateDict& w, const std::string& name, size_t index, const std::string& path) {
  const auto& shape = shape_of(w, name, path);
  STX_CHECK(index < shape.size() && shape[index] > 0, FormatError, "{}: '{}' has shape {}: expected a positive size "
            "at dimension {}", path, name, fmt::format("({})", fmt::join(shape, ", ")), index);
  return shape[index];
}

}  // namespace

std::string torchvision_to_timm_swin_name(const std::string& name) {
  static const std::regex stem("^features\\.0\\.0\\.(weight|bias)$"), stem_norm("^features\\.0\\.2\\.(weight|bias)$"),
      block("^features\\.(\\d+)\\.(\\d+)\\.(.*)$"), merge("^features\\.(\\d+)\\.(norm|reduction)\\.(weight|bias)$");
  std::smatch m;
  if (std::regex_match(name, m, stem)) return "patch_embed.proj.0." + m[1].str();
  if (std::regex_match(name, m, stem_norm)) return "patch_embed.norm." + m[1].str();
  if (std::regex_match(name, m, merge)) {
    const int64_t i = std::stoll(m[1]);
    return "layers." + std::to_string(i / 2 - 1) + ".downsample." + m[2].str() + "." + m[3].str();
  }
  if (std::regex_match(name, m, block)) {
    std::string rest = m[3].str();
    if (rest == "attn.relative_position_index") return "";
    rest = std::regex_replace(rest, std::regex("^mlp\\.0\\."), "mlp.fc1.");
    rest = std::regex_replace(rest, std::regex("^mlp\\.3\\."), "mlp.fc2.");
    return "layers." + std::to_string((std::stoll(m[1]) - 1) / 2) + ".blocks." + m[2].str() + "." + rest;
  }
  if (name.rfind("head.", 0) == 0) return "";
  return name;
}

struct NativeSwin::Impl {
  SwinShape shape;
  BackboneRunner<SwinTransformer> run;
};

NativeSwin::NativeSwin(const std::string& path, int threads, int64_t image_size) : impl_(std::make_unique<Impl>()) {
  torch_compat::set_threads(threads);
  StateDict w = to_timm05_names(read_weights(path));
  // The plain stem is a one-conv Sequential here ("proj.0"); timm names it "proj".
  for (const std::string kind : {"weight", "bias"})
    if (auto it = w.find("patch_embed.proj." + kind); it != w.end()) {
      w["patch_embed.proj.0." + kind] = std::move(it->second);
      w.erase("patch_embed.proj." + kind);
    }
  SwinShape& s = impl_->shape;
  s.image = image_size;
  s.embed = positive_dim(w, "patch_embed.norm.weight", 0, path);
  s.conv_stem = w.count("patch_embed.proj.1.weight") > 0;  // a BatchNorm after the first conv
  std::vector<int64_t> stem_channels;
  if (s.conv_stem) {
    for (const std::string conv : {"patch_embed.proj.0.weight", "patch_embed.proj.3.weight"})
      stem_channels.push_back(positive_dim(w, conv, 0, path));
    s.patch = 4;
  } else {
    s.patch = positive_dim(w, "patch_embed.proj.0.weight", 2, path);
  }
  for (int64_t k = 0; w.count(fmt::format("layers.{}.blocks.0.norm1.weight", k)); ++k) {
    int64_t depth = 0;
    while (w.count(fmt::format("layers.{}.blocks.{}.norm1.weight", k, depth))) ++depth;
    s.depths.push_back(depth);
    const std::string table = fmt::format("layers.{}.blocks.0.attn.relative_position_bias_table", k);
    s.heads.push_back(positive_dim(w, table, 1, path));
    s.window = (static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(positive_dim(w, table, 0, path))))) + 1) / 2;
  }
  STX_CHECK(!s.depths.empty(), FormatError, "{}: no Swin stages (layers.0.blocks.0...)", path);
  const int64_t mlp_ratio = positive_dim(w, "layers.0.blocks.0.mlp.fc1.weight", 0, path) / s.embed;
  impl_->run.model = SwinTransformer(s, stem_channels, mlp_ratio);
  load_weights_strictly(*impl_->run.model, w, path);
  impl_->run.model->eval();
}

NativeSwin::~NativeSwin() = default;

void NativeSwin::use_bfloat16() { impl_->run.use_bfloat16(); }

void NativeSwin::use_device(const std::string& device) { impl_->run.use_device(device); }

const SwinShape& NativeSwin::shape() const { return impl_->shape; }

std::vector<float> NativeSwin::encode_patches(const std::vector<cv::Mat>& patches) const {
  return impl_->run.encode_patches(patches, impl_->shape.image);
}

std::vector<float> NativeSwin::forward(const std::vector<float>& images, int64_t batch) const {
  return impl_->run.forward(images, batch, impl_->shape.image, "Swin");
}

std::unique_ptr<Encoder> make_swin_encoder(const EncoderOptions& options) {
  auto swin = std::make_shared<NativeSwin>(checked_weights_path(options, "swin"), options.threads);
  if (options.bf16) swin->use_bfloat16();
  swin->use_device(options.device);
  const SwinShape& s = swin->shape();
  return make_native_encoder(options,
                             fmt::format("swin-d{}{}{}", s.features(), s.conv_stem ? "-convstem" : "",
                                         options.bf16 ? "-bf16" : ""),
                             "swin", s.features(),
                             [swin](const std::vector<cv::Mat>& patches) { return swin->encode_patches(patches); });
}

}  // namespace stx
