// QuadFlow's parts on inputs whose answers can be worked out: neighbourhoods of a drawn grid,
// neighbourhood attention against dense attention written out by hand, the strict bottleneck,
// and invariance to where the slide sits and to the order of its spots.
#include <gtest/gtest.h>

#include <torch/csrc/autograd/autograd.h>

#include <cmath>

#include "stx/model/attention.hpp"
#include "stx/model/neighbourhood.hpp"
#include "stx/model/neighbourhood_attention.hpp"
#include "neighbourhood_kernel.hpp"
#include "stx/model/quadflow.hpp"
#include "stx/core/error.hpp"

namespace stx {
namespace {

void square_grid(int side, double pitch, std::vector<double>& x, std::vector<double>& y) {
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) {
      x.push_back(c * pitch);
      y.push_back(r * pitch);
    }
}

// The blocked kernel against the same attention composed of plain autograd operations
// (gather, softmax, dropout multiplier, weighted sum; itself checked against dense attention
// below): values and the gradients of q, k, v and the bias, with blocks of 7 spots so that a
// block boundary cuts the data, padding slots masked, and a dropout mask.
TEST(NeighbourhoodKernel, MatchesAutogradInValuesAndGradients) {
  torch::manual_seed(3);
  const int64_t n = 36, kn = 5, h = 2, e = 4;  // a 6 x 6 grid
  std::vector<double> x, y;
  square_grid(6, 100, x, y);
  const Neighbourhood nb = build_neighbourhood(x, y, kn, 1.1);  // few in reach: padding occurs
  ASSERT_TRUE(nb.valid.logical_not().any().item<bool>());
  auto make = [](std::vector<int64_t> shape) { return torch::randn(shape, torch::kFloat64).requires_grad_(); };
  auto q = make({n, h, e}), k = make({n, h, e}), v = make({n, h, e}), bias = make({n, kn, h});
  const auto keep = torch::bernoulli(torch::full({n, kn, h}, 0.8, torch::kFloat64)) / 0.8;
  const auto grad = torch::randn({n, h, e}, torch::kFloat64);

  const auto fast = neighbourhood_attend(q, k, v, bias, nb.index, nb.valid, keep, 7);
  const auto fast_grads = torch::autograd::grad({fast}, {q, k, v, bias}, {grad});

  const auto reference = neighbourhood_attend_autograd(q, k, v, bias, nb.index, nb.valid, keep);
  const auto reference_grads = torch::autograd::grad({reference}, {q, k, v, bias}, {grad});

  EXPECT_LT((fast - reference).abs().max().item<double>(), 1e-12);
  const char* names[] = {"q", "k", "v", "bias"};
  for (int i = 0; i < 4; ++i)
    EXPECT_LT((fast_grads[i] - reference_grads[i]).abs().max().item<double>(), 1e-12) << names[i];
}

QuadFlowOptions small_options() {
  QuadFlowOptions o;
  o.feature_dim = 6;
  o.n_pathways = 4;
  o.n_genes = 5;
  o.width = 16;
  o.heads = 2;
  o.layers = 2;
  o.neighbours = 5;
  o.dropout = 0;
  o.linear_path = false;  // the flows alone; the linear path has its own test
  return o;
}

torch::Tensor membership(const QuadFlowOptions& o) {
  auto m = torch::zeros({o.n_pathways, o.n_genes});
  for (int64_t p = 0; p < o.n_pathways; ++p) m[p][p] = 1;  // gene 4 is in no set
  m[0][1] = 1;
  return m;
}

TEST(Neighbourhood, SquareGridNearestFirstWithPadding) {
  std::vector<double> x, y;
  square_grid(3, 100, x, y);
  // radius 1.5 pitches = 150 µm: the 4 direct neighbours (100) and diagonals (141).
  const auto nb = build_neighbourhood(x, y, 6, 1.5);
  ASSERT_EQ(nb.index.sizes(), (std::vector<int64_t>{9, 6}));
  // centre spot 4: itself, then the 4 direct neighbours (ascending index on ties), then a diagonal
  const auto centre = nb.index[4];
  EXPECT_EQ(centre[0].item<int64_t>(), 4);
  EXPECT_EQ(centre[1].item<int64_t>(), 1);
  EXPECT_EQ(centre[2].item<int64_t>(), 3);
  EXPECT_EQ(centre[3].item<int64_t>(), 5);
  EXPECT_EQ(centre[4].item<int64_t>(), 7);
  EXPECT_EQ(centre[5].item<int64_t>(), 0);
  EXPECT_TRUE(nb.valid[4].all().item<bool>());
  // corner spot 0: itself, 1 and 3 at 100 µm, 4 at 141 µm; two padded slots
  EXPECT_EQ(nb.valid[0].sum().item<int64_t>(), 4);
  EXPECT_EQ(nb.index[0][4].item<int64_t>(), 0);  // padding points at itself
  EXPECT_FLOAT_EQ(nb.offset_um[0][3][0].item<float>(), 100.f);
  EXPECT_FLOAT_EQ(nb.offset_um[0][3][1].item<float>(), 100.f);
  // adjacency: 12 edges of a 3 x 3 grid, each once with i < j
  EXPECT_EQ(nb.edges.size(0), 12);
  EXPECT_TRUE((nb.edges.select(1, 0) < nb.edges.select(1, 1)).all().item<bool>());
}

TEST(NeighbourhoodAttention, EqualsDenseAttentionWhenEverySpotIsANeighbour) {
  torch::manual_seed(1);
  std::vector<double> x, y;
  square_grid(3, 100, x, y);
  const int64_t n = 9, d = 8, heads = 2, e = d / heads;
  const auto nb = build_neighbourhood(x, y, n, 10.0);  // everyone within 1000 µm
  ASSERT_TRUE(nb.valid.all().item<bool>());
  NeighbourhoodAttention attention(d, heads, 0.0);
  attention->eval();
  torch::NoGradGuard no_grad;
  // Zero the offset bias so the result is plain dot-product attention.
  auto params = attention->named_parameters();
  params["offset_bias.2.weight"].zero_();
  params["offset_bias.2.bias"].zero_();
  const auto tokens = torch::randn({n, d});
  const auto got = attention->forward(tokens, nb);

  const auto qkv = torch::addmm(params["qkv.bias"], tokens, params["qkv.weight"].t()).chunk(3, 1);
  auto expected = torch::empty({n, d});
  for (int64_t h = 0; h < heads; ++h) {
    const auto q = qkv[0].slice(1, h * e, (h + 1) * e), k = qkv[1].slice(1, h * e, (h + 1) * e),
               v = qkv[2].slice(1, h * e, (h + 1) * e);
    const auto w = torch::softmax(torch::matmul(q, k.t()) / std::sqrt(double(e)), 1);
    expected.slice(1, h * e, (h + 1) * e).copy_(torch::matmul(w, v));
  }
  expected = torch::addmm(params["out.bias"], expected, params["out.weight"].t());
  const double max_diff = (got - expected).abs().max().item<double>();
  EXPECT_LT(max_diff, 1e-5) << "max abs difference " << max_diff;
}

TEST(NeighbourhoodAttention, PaddedSlotsGetNoWeight) {
  torch::manual_seed(2);
  std::vector<double> x = {0, 100, 5000}, y = {0, 0, 0};  // spot 2 is alone
  const auto nb = build_neighbourhood(x, y, 3, 1.5);
  NeighbourhoodAttention attention(4, 1, 0.0);
  torch::NoGradGuard no_grad;
  auto tokens = torch::randn({3, 4});
  const auto before = attention->forward(tokens, nb);
  tokens[0] += 100;  // spot 2 must not see this: its only valid neighbour is itself
  const auto after = attention->forward(tokens, nb);
  EXPECT_TRUE(torch::equal(before[2], after[2]));
  EXPECT_FALSE(torch::allclose(before[1], after[1]));
}

TEST(NeighbourhoodAttention, PredictingInBlocksOfSpotsEqualsOnePass) {
  // More spots than one block of the offset-bias MLP: without gradients (predicting) the bias is
  // computed a block at a time, with them in one pass; the outputs must agree.
  torch::manual_seed(4);
  std::vector<double> x, y;
  const int side = 260;  // 67,600 spots > kBiasBlock = 65,536
  square_grid(side, 100, x, y);
  const int64_t n = static_cast<int64_t>(x.size()), d = 8;
  ASSERT_GT(n, NeighbourhoodAttentionImpl::kBiasBlock);
  const auto nb = build_neighbourhood(x, y, 13, 2.5);
  NeighbourhoodAttention attention(d, 2, 0.0);
  attention->eval();
  const auto tokens = torch::randn({n, d});
  const auto one_pass = attention->forward(tokens, nb).detach();  // gradients on: one pass
  torch::NoGradGuard no_grad;
  const auto blocks = attention->forward(tokens, nb);
  const double max_diff = (one_pass - blocks).abs().max().item<double>();
  EXPECT_LT(max_diff, 1e-6) << "max abs difference " << max_diff;
}

TEST(QuadFlow, StrictBottleneckGivesConstantGenesOutsideEveryGeneSet) {
  torch::manual_seed(3);
  auto o = small_options();
  o.residual_rank = 0;
  QuadFlow model(o, membership(o));
  std::vector<double> x, y;
  square_grid(4, 100, x, y);
  const auto out = model->forward(torch::randn({16, o.feature_dim}),
                                  build_neighbourhood(x, y, o.neighbours, o.radius_pitches));
  ASSERT_EQ(out.pathways.sizes(), (std::vector<int64_t>{16, 4}));
  ASSERT_EQ(out.genes.sizes(), (std::vector<int64_t>{16, 5}));
  EXPECT_EQ(out.genes.select(1, 4).std().item<float>(), 0.f);  // gene 4: in no set, no residual
  EXPECT_GT(out.genes.select(1, 0).std().item<float>(), 0.f);
  // with a residual, that gene follows the pathway activities
  o.residual_rank = 2;
  QuadFlow residual(o, membership(o));
  torch::NoGradGuard no_grad;
  for (auto& p : residual->named_parameters())
    if (p.key() == "residual_up") p.value().normal_();
  const auto out2 = residual->forward(torch::randn({16, o.feature_dim}),
                                      build_neighbourhood(x, y, o.neighbours, o.radius_pitches));
  EXPECT_GT(out2.genes.select(1, 4).std().item<float>(), 0.f);
}

// An untrained model whose linear path has random weights (over [features, neighbour mean]
// with `neighbours`), on a 4 x 4 grid of 100 µm with random features.
struct LinearPathModel {
  QuadFlowOptions o;
  QuadFlow model{nullptr};
  torch::Tensor weight, bias;
  Neighbourhood nb;
  torch::Tensor features;
  LinearPathModel(uint64_t seed, bool neighbours) {
    torch::manual_seed(seed);
    o = small_options();
    o.linear_path = true;
    o.linear_path_neighbours = neighbours;
    model = QuadFlow(o, membership(o));
    weight = torch::randn({(neighbours ? 2 : 1) * o.feature_dim, o.n_pathways});
    bias = torch::randn({o.n_pathways});
    model->set_linear_path(weight, bias);
    std::vector<double> x, y;
    square_grid(4, 100, x, y);
    nb = build_neighbourhood(x, y, o.neighbours, o.radius_pitches);
    features = torch::randn({16, o.feature_dim});
  }
};

// The linear path adds features @ W + b to the flows' readout, which enters through a gate
// that starts at 0: an untrained model predicts exactly the linear path.
TEST(QuadFlow, LinearPathIsTheStartingPrediction) {
  LinearPathModel m(5, /*neighbours=*/false);
  auto& [o, model, weight, bias, nb, features] = m;
  torch::NoGradGuard no_grad;
  const auto expected = torch::matmul(features, weight) + bias;
  EXPECT_LT((model->forward(features, nb).pathways - expected).abs().max().item<float>(), 1e-5);
  for (auto& p : model->named_parameters())
    if (p.key() == "correction_gate") p.value().fill_(1.0);
  EXPECT_GT((model->forward(features, nb).pathways - expected).abs().max().item<float>(), 1e-2);
  EXPECT_THROW(model->set_linear_path(torch::zeros({2, 2}), bias), ShapeError);
}

// Three spots in a row 100 µm apart and one far away; each reaches 1.5 pitches. The mean of
// the others: spot 0 sees spot 1, spot 1 sees 0 and 2, spot 2 sees 1, spot 3 nobody (its own
// row). Gradients reach every neighbour that was averaged.
TEST(Neighbourhood, MeanOfTheOtherNeighbours) {
  const Neighbourhood nb = build_neighbourhood({0, 100, 200, 1000}, {0, 0, 0, 0}, 3, 1.5);
  const auto values = torch::tensor({1.f, 10.f, 2.f, 20.f, 4.f, 40.f, 7.f, 70.f}).view({4, 2}).requires_grad_();
  const auto mean = neighbour_mean(values, nb);
  const auto expected = torch::tensor({2.f, 20.f, 2.5f, 25.f, 2.f, 20.f, 7.f, 70.f}).view({4, 2});
  EXPECT_LT((mean - expected).abs().max().item<float>(), 1e-6);
  mean.sum().backward();
  // d/d row0 = 1/2 (from spot 1); row1 = 1 + 1 (spots 0, 2); row2 = 1/2; row3 = 1 (itself)
  const auto grad = torch::tensor({0.5f, 0.5f, 2.f, 2.f, 0.5f, 0.5f, 1.f, 1.f}).view({4, 2});
  EXPECT_LT((values.grad() - grad).abs().max().item<float>(), 1e-6);
}

// With linear_path_neighbours the path reads [features, mean of the other neighbours'
// features] through a (2F, P) weight.
TEST(QuadFlow, LinearPathReadsTheNeighbourMean) {
  LinearPathModel m(6, /*neighbours=*/true);
  auto& [o, model, weight, bias, nb, features] = m;
  EXPECT_THROW(model->set_linear_path(torch::zeros({o.feature_dim, o.n_pathways}), bias), ShapeError);
  // the neighbour mean written out from the neighbourhood's index and mask
  auto others = torch::zeros({16, o.feature_dim});
  const auto index = nb.index.accessor<int64_t, 2>();
  const auto valid = nb.valid.accessor<bool, 2>();
  for (int64_t i = 0; i < 16; ++i) {
    int count = 0;
    for (int64_t k = 1; k < nb.index.size(1); ++k)
      if (valid[i][k]) {
        others[i].add_(features[index[i][k]]);
        ++count;
      }
    ASSERT_GT(count, 0);
    others[i].div_(count);
  }
  torch::NoGradGuard no_grad;
  const auto expected = torch::matmul(torch::cat({features, others}, 1), weight) + bias;
  EXPECT_LT((model->forward(features, nb).pathways - expected).abs().max().item<float>(), 1e-4);
}

// The gene-set overlap bias on P<->P: a bias steers attention where it points; in QuadFlow its
// per-head multiples start at 0 (the model is then the one without the bias) and, once moved,
// change the output.
TEST(Attention, BiasIsAddedToTheLogits) {
  torch::manual_seed(3);
  Attention attention(8, 2, 0.0);
  attention->eval();
  const auto queries = torch::randn({3, 8}), keys = torch::randn({4, 8});
  auto bias = torch::zeros({1, 3, 4});
  torch::Tensor plain, zero_biased, steered, weights;
  torch::NoGradGuard no_grad;
  plain = attention(queries, keys);
  zero_biased = attention(queries, keys, nullptr, bias);
  EXPECT_TRUE(torch::equal(plain, zero_biased));
  for (int64_t i = 0; i < 3; ++i) bias[0][i][(i + 1) % 4] = 50.0;
  steered = attention(queries, keys, &weights, bias);
  for (int64_t i = 0; i < 3; ++i) EXPECT_GT(weights[i][(i + 1) % 4].item<float>(), 0.99) << i;
}

TEST(QuadFlow, OverlapBiasStartsAtZeroAndIsWiredIn) {
  auto o = small_options();
  const auto overlap = torch::rand({o.n_pathways, o.n_pathways});
  o.overlap_bias = false;
  torch::manual_seed(9);
  QuadFlow without(o, membership(o));
  o.overlap_bias = true;
  torch::manual_seed(9);
  QuadFlow with(o, membership(o), overlap);
  without->eval();
  with->eval();
  std::vector<double> x, y;
  square_grid(4, 100, x, y);
  const auto nb = build_neighbourhood(x, y, o.neighbours, o.radius_pitches);
  const auto features = torch::randn({16, o.feature_dim});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(without->forward(features, nb).pathways, with->forward(features, nb).pathways));
  int scales = 0;
  for (auto& p : with->named_parameters())
    if (p.key().find("overlap_scale") != std::string::npos) {
      p.value().fill_(3.0);
      ++scales;
    }
  EXPECT_EQ(scales, o.layers);
  EXPECT_GT((without->forward(features, nb).pathways - with->forward(features, nb).pathways).abs().max().item<float>(), 1e-4);
  EXPECT_THROW(QuadFlow(o, membership(o), torch::zeros({2, 2})), ShapeError);
}

TEST(QuadFlow, InvariantToSlidePlacementAndEquivariantToSpotOrder) {
  torch::manual_seed(4);
  const auto o = small_options();
  QuadFlow model(o, membership(o));
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<double> x, y;
  square_grid(5, 100, x, y);
  const auto features = torch::randn({25, o.feature_dim});
  const auto base = model->forward(features, build_neighbourhood(x, y, o.neighbours, o.radius_pitches));

  std::vector<double> xs = x, ys = y;
  for (size_t i = 0; i < xs.size(); ++i) xs[i] += 12345.0, ys[i] -= 6789.0;
  const auto shifted = model->forward(features, build_neighbourhood(xs, ys, o.neighbours, o.radius_pitches));
  EXPECT_LT((shifted.pathways - base.pathways).abs().max().item<float>(), 1e-5f);

  std::vector<int64_t> perm(25);
  for (int64_t i = 0; i < 25; ++i) perm[static_cast<size_t>(i)] = (i * 7) % 25;
  std::vector<double> xp, yp;
  for (int64_t i : perm) xp.push_back(x[static_cast<size_t>(i)]), yp.push_back(y[static_cast<size_t>(i)]);
  const auto rows = torch::tensor(perm);
  const auto permuted = model->forward(features.index_select(0, rows),
                                       build_neighbourhood(xp, yp, o.neighbours, o.radius_pitches));
  EXPECT_LT((permuted.genes - base.genes.index_select(0, rows)).abs().max().item<float>(), 1e-5f);
}

TEST(QuadFlow, RejectsFeaturesOfTheWrongWidth) {
  const auto o = small_options();
  QuadFlow model(o, membership(o));
  std::vector<double> x, y;
  square_grid(2, 100, x, y);
  EXPECT_THROW(model->forward(torch::randn({4, 7}), build_neighbourhood(x, y, 5, 2.5)), ShapeError);
}

}  // namespace
}  // namespace stx

namespace stx {
namespace {

// The coupling stx perturb draws is the first layer's P<->P attention of the pathway tokens:
// recomputed here from the weights by hand (layer norm, query and key projections, per-head
// scaled dot products plus the overlap bias, softmax, mean over heads).
TEST(QuadFlow, PathwayCouplingIsTheFirstLayersAttentionOfTheTokens) {
  auto o = small_options();
  const auto overlap = torch::rand({o.n_pathways, o.n_pathways});
  torch::manual_seed(4);
  QuadFlow model(o, membership(o), overlap);
  auto params = model->named_parameters();
  torch::NoGradGuard no_grad;
  params["pathway_tokens"].normal_();  // away from their small start, so the weights differ
  params["layer0.overlap_scale"].copy_(torch::tensor({1.5f, -2.0f}));
  const auto coupling = model->pathway_coupling();
  ASSERT_EQ(coupling.sizes(), (std::vector<int64_t>{o.n_pathways, o.n_pathways}));

  const int64_t e = o.width / o.heads;
  const auto p = torch::layer_norm(params["pathway_tokens"], {o.width}, params["layer0.pathway_norm.weight"],
                                   params["layer0.pathway_norm.bias"]);
  const auto q = torch::addmm(params["layer0.pathway_self.query.bias"], p, params["layer0.pathway_self.query.weight"].t());
  const auto k = torch::addmm(params["layer0.pathway_self.key.bias"], p, params["layer0.pathway_self.key.weight"].t());
  auto expected = torch::zeros({o.n_pathways, o.n_pathways});
  for (int64_t h = 0; h < o.heads; ++h) {
    const auto logits = torch::matmul(q.slice(1, h * e, (h + 1) * e), k.slice(1, h * e, (h + 1) * e).t()) /
                            std::sqrt(double(e)) + params["layer0.overlap_scale"][h] * overlap;
    expected += torch::softmax(logits, 1) / double(o.heads);
  }
  EXPECT_LT((coupling - expected).abs().max().item<double>(), 1e-5);
  EXPECT_LT((coupling.sum(1) - 1).abs().max().item<double>(), 1e-5);  // each row a distribution
  EXPECT_TRUE(torch::equal(model->gene_set_overlap(), overlap));

  o.pathway_attention = false;  // no P<->P flow: nothing to show
  QuadFlow without(o, membership(o));
  EXPECT_FALSE(without->pathway_coupling().defined());
}

}  // namespace
}  // namespace stx
