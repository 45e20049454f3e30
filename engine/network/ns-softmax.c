/* ns-softmax.c: softmax of the classification head (forward only). */
#include "ns-network.h"

#include <math.h>

void
ns_softmax (float *values, int n)
{
  float top = values[0];
  for (int i = 1; i < n; i++)
    top = MAX (top, values[i]);
  double sum = 0;
  for (int i = 0; i < n; i++)
    sum += values[i] = expf (values[i] - top);
  for (int i = 0; i < n; i++)
    values[i] = (float) (values[i] / sum);
}
