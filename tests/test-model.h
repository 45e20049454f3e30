/* test-model.h: the network weights the set-up fetches, for the model tests. */
#pragma once

#include "neural-style.h"

/* Loads the default weights (ns_weights_default_path(): $NEURAL_STYLE_WEIGHTS
 * or the set-up's folder). Only missing weights may skip a test: then NULL,
 * with *skip_reason saying where they were looked for and how to fetch them.
 * Weights that are there but do not load fail the test. */
NsModel *test_model_load (char **skip_reason);
