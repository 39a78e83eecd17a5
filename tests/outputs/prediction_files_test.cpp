// What stx predict writes, from a prediction of a slide's kept spots: the output slide holds
// those spots with their annotations, the predicted genes as X and the pathways in obsm (not
// the slide's measured ones); the TSV the same numbers.
#include "stx/outputs/prediction_files.hpp"

#include "test_support.hpp"

namespace stx {
namespace {

struct Predicted {
  Slide source;
  SlideData data;
  Prediction p;
  ModelMetadata m;
};

// Three spots of which the model saw two (a and c), one pathway and two genes.
Predicted predicted() {
  Predicted x;
  x.source.name = x.source.source_path = "S";
  x.source.um_per_px = 1;
  x.source.spot_ids = {"a", "b", "c"};
  x.source.pixel_x = {10, 20, 30};
  x.source.pixel_y = {1, 2, 3};
  x.source.counts = test::csr_rows(1, {{{0}, {1}}, {{}, {}}, {{0}, {2}}});
  x.source.gene_symbols = {"G"};
  x.source.array_row = {0, 0, 1};
  x.source.in_tissue = {1, 0, 1};
  x.source.labels = {"tumour", "", "stroma"};
  x.source.set_obsm("pathway_activity", 1, {9, 9, 9});  // measured: not the prediction's
  x.data.spots = x.source.select_spots({0, 2}, false);
  x.data.slide_rows = {0, 2};
  x.m.pathways = {"P"};
  x.m.genes = {"G1", "G2"};
  x.m.gene_target_scale = "log1p-cp10k";
  x.p.n_spots = 2;
  x.p.pathways = {0.5f, -0.25f};
  x.p.genes = {1.5f, -0.1f, 0.0f, 2.0f};
  return x;
}

TEST(PredictionFiles, TheOutputSlideHoldsTheKeptSpotsAndThePrediction) {
  Predicted x = predicted();
  clip_predicted_genes(x.p);
  const Slide out = prediction_output_slide(x.data, x.p, x.m, "model.pt", "0.1", {0.0f, 3.0f});
  EXPECT_NO_THROW(out.validate());
  EXPECT_EQ(out.spot_ids, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(out.pixel_x, (std::vector<double>{10, 30}));
  EXPECT_EQ(out.name, "S");
  EXPECT_EQ(out.source_format, "stx-predict");
  EXPECT_EQ(out.array_row, (std::vector<int32_t>{0, 1}));  // the slide's annotations of those spots
  EXPECT_EQ(out.in_tissue, (std::vector<uint8_t>{1, 1}));
  EXPECT_EQ(out.labels, (std::vector<std::string>{"tumour", "stroma"}));
  EXPECT_EQ(out.gene_symbols, x.m.genes);
  EXPECT_EQ(out.counts.to_dense(), (std::vector<float>{1.5f, 0.0f, 0.0f, 2.0f}));  // -0.1 clipped
  EXPECT_EQ(out.find_obsm("pathway_activity")->values, (std::vector<float>{0.5f, -0.25f}));
  EXPECT_EQ(out.find_obsm("stx_out_of_domain")->values, (std::vector<float>{0.0f, 3.0f}));
  EXPECT_EQ(out.uns_lists.at("pathway_names"), x.m.pathways);
  EXPECT_EQ(out.uns_strings.at("stx_version"), "0.1");

  test::TempDir dir;
  write_prediction_tsv(x.data, x.p, x.m, {}, dir / "p.tsv");
  EXPECT_EQ(test::read_text(dir / "p.tsv"), "spot\tx_px\ty_px\tP\tG1\tG2\na\t10\t1\t0.5\t1.5\t0\nc\t30\t3\t-0.25\t0\t2\n");
}

TEST(PredictionFiles, APredictionOfOtherSpotsIsRefused) {
  Predicted x = predicted();
  x.p.n_spots = 3;
  EXPECT_STX_ERROR(prediction_slide(x.data, x.p, x.m), ShapeError,
                   "S: a prediction of 3 spots (2 pathway and 4 gene values) for 2 spots, 1 pathways and 2 genes");
}

}  // namespace
}  // namespace stx
