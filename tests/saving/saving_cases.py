"""The models of the saving tests, written once against the Keras 3 API and built by either framework.

golden/make_saving.py builds them with real Keras, the tests and export_models.py with gradfit:
`build(keras, name)` takes the framework's `keras` module. The custom classes are registered under the
same names (package "gradfit_tests") in both, so a file saved by either side loads in the other. This
module imports neither framework itself.
"""
import functools
import types

import numpy as np

NAMES = ("sequential_mlp", "functional_multi_io", "cnn", "lstm", "batchnorm_trained", "adam_resume", "subclassed",
         "lambda_layer", "zoo", "functional_ops", "volumes")
# Cases only Keras's files are checked for (none: gradfit writes operator and keras.ops nodes as Keras does).
KERAS_WRITTEN_ONLY = ()
# Cases also saved with save_weights alone.
WEIGHTS_ONLY = ("sequential_mlp", "cnn", "zoo", "volumes")


@functools.lru_cache(maxsize=None)
def cases_for(keras):
    """The custom classes and the model builders (name -> builder(rng) -> (model, inputs)) for `keras`."""
    layers = keras.layers

    @keras.saving.register_keras_serializable(package="gradfit_tests")
    class ScaledDense(layers.Layer):
        """x @ kernel * scale_var * scale: a custom layer with its own weights and config."""

        def __init__(self, units, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.scale = scale

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                          name="kernel")
            self.scale_var = self.add_weight(shape=(), initializer="ones", name="scale")

        def call(self, x):
            return keras.ops.matmul(x, self.kernel) * self.scale_var * self.scale

        def get_config(self):
            return {**super().get_config(), "units": self.units, "scale": self.scale}

    @keras.saving.register_keras_serializable(package="gradfit_tests")
    class TwoBlocks(keras.Model):
        """A subclassed model: a custom layer, then a list of Dense blocks."""

        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.first = ScaledDense(units)
            self.blocks = [layers.Dense(units, activation="tanh"), layers.Dense(2)]

        def call(self, x):
            x = self.first(x)
            for block in self.blocks:
                x = block(x)
            return x

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    def sequential_mlp(rng):
        model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                                  layers.Dense(4, activation="softmax")], name="mlp")
        return model, [rng.standard_normal((5, 8)).astype("float32")]

    def functional_multi_io(rng):
        a, b = keras.Input((6,), name="a"), keras.Input((3,), name="b")
        shared = layers.Dense(5, activation="tanh", name="shared")
        block = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(5)], name="block")
        joined = layers.Concatenate(name="joined")([shared(layers.Dense(5, name="proj_a")(a)), shared(block(b))])
        score = ScaledDense(1, scale=0.5, name="score")(joined)
        label = layers.Dense(3, activation="softmax", name="label")(
            layers.Multiply()([shared(layers.Dense(5)(a)), shared(layers.Dense(5)(b))]))
        model = keras.Model([a, b], [score, label], name="two_heads")
        return model, [rng.standard_normal((4, 6)).astype("float32"), rng.standard_normal((4, 3)).astype("float32")]

    def cnn(rng):
        model = keras.Sequential([
            keras.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(),
            layers.Conv2D(6, 3, padding="same"), layers.BatchNormalization(), layers.ReLU(),
            layers.GlobalAveragePooling2D(), layers.Dense(3)], name="cnn")
        return model, [rng.standard_normal((3, 8, 8, 1)).astype("float32")]

    def lstm(rng):
        # Sequential: as a Functional model, Keras would record the Embedding's mask as a `NotEqual` op node.
        model = keras.Sequential([keras.Input((7,), dtype="int32"), layers.Embedding(20, 4, mask_zero=True),
                                  layers.LSTM(5, return_sequences=True), layers.GRU(3), layers.Dense(2)],
                                 name="recurrent")
        tokens = rng.integers(1, 20, (4, 7)).astype("int32")
        tokens[1, 5:] = 0
        tokens[3, 2:] = 0
        return model, [tokens]

    def batchnorm_trained(rng):
        model = keras.Sequential([keras.Input((5,)), layers.Dense(6), layers.BatchNormalization(momentum=0.5),
                                  layers.Dense(1)], name="bn")
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        x = rng.standard_normal((32, 5)).astype("float32") * 3 + 1
        model.fit(x, rng.standard_normal((32, 1)).astype("float32"), batch_size=8, epochs=2, shuffle=False,
                  verbose=0)
        return model, [rng.standard_normal((6, 5)).astype("float32") * 3 + 1]

    def adam_resume(rng):
        model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                                  layers.BatchNormalization(), layers.Dense(3)], name="classifier")
        model.compile(optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        x = rng.standard_normal((24, 4)).astype("float32")
        model.fit(x, rng.integers(0, 3, 24), batch_size=8, epochs=1, shuffle=False, verbose=0)
        return model, [rng.standard_normal((5, 4)).astype("float32")]

    def subclassed(rng):
        model = TwoBlocks(units=4, name="two_blocks")
        model(np.zeros((1, 3), "float32"))
        return model, [rng.standard_normal((3, 3)).astype("float32")]

    def lambda_layer(rng):
        model = keras.Sequential([keras.Input((3,)), layers.Lambda(lambda x: x * 2.0 + 1.0), layers.Dense(2)],
                                 name="with_lambda")
        return model, [rng.standard_normal((2, 3)).astype("float32")]

    def zoo(rng):
        """One model holding every kind of layer with weights or sublayers: its file shows Keras's paths."""
        image, sequence, ids = keras.Input((6, 6, 2)), keras.Input((5, 4)), keras.Input((5,), dtype="int32")
        x = layers.Conv2D(3, 3, padding="same", activation="relu")(image)
        x = layers.SeparableConv2D(3, 3, padding="same")(x)
        x = layers.DepthwiseConv2D(3, padding="same")(x)
        x = layers.Conv2DTranspose(2, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.LayerNormalization()(x)
        x = layers.GroupNormalization(groups=2)(x)
        x = layers.MaxPooling2D()(x)
        x = layers.GlobalAveragePooling2D()(x)
        s = layers.Conv1D(4, 2, padding="same")(sequence)
        s = layers.Conv1DTranspose(4, 2, padding="same")(s)
        s = layers.DepthwiseConv1D(2, padding="same")(s)
        s = layers.SeparableConv1D(4, 2, padding="same")(s)
        s = layers.LSTM(3, return_sequences=True)(s)
        s = layers.GRU(3, return_sequences=True)(s)
        s = layers.SimpleRNN(3, return_sequences=True)(s)
        s = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(s)
        s = layers.TimeDistributed(layers.Dense(3))(s)
        s = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], return_sequences=True)(s)
        s = layers.MultiHeadAttention(num_heads=2, key_dim=2)(s, s)
        s = layers.Attention(use_scale=True)([s, s])
        s = layers.AdditiveAttention()([s, s])
        s = layers.RMSNormalization()(s)
        s = layers.UnitNormalization()(s)
        s = layers.GlobalMaxPooling1D()(s)
        e = layers.Embedding(12, 4)(ids)
        e = layers.Flatten()(e)
        e = layers.Dense(3)(e)
        e = layers.PReLU(alpha_initializer="random_normal")(e)
        normalization = layers.Normalization()
        normalization.adapt(rng.standard_normal((10, 3)).astype("float32") * 2 + 1)
        e = normalization(e)
        out = layers.Dense(2)(layers.Concatenate()([x, s, e]))
        model = keras.Model([image, sequence, ids], out, name="zoo")
        return model, [rng.standard_normal((2, 6, 6, 2)).astype("float32"),
                       rng.standard_normal((2, 5, 4)).astype("float32"),
                       rng.integers(0, 12, (2, 5)).astype("int32")]

    def functional_ops(rng):
        """Operators and keras.ops in the graph, and a Masking layer (Keras writes its NotEqual/Any ops)."""
        inputs = keras.Input((4, 5))
        dense = layers.Dense(5)(inputs)
        mixed = (inputs + dense) * 2.0 - inputs[:, :1]
        pooled = keras.ops.mean(keras.ops.transpose(dense, (0, 2, 1)), axis=1)
        masked = layers.LSTM(3)(layers.Masking()(inputs))
        joined = keras.ops.reshape(keras.ops.concatenate([dense, inputs], axis=-1), (-1, 40))
        x = rng.standard_normal((2, 4, 5)).astype("float32")
        x[0, 3] = 0.0  # one masked step
        return keras.Model(inputs, [mixed, pooled, masked, joined], name="with_ops"), [x]

    def volumes(rng):
        """The 3-D and 1-D convolution, pooling, reshaping and spatial dropout layers."""
        volume, sequence = keras.Input((4, 6, 6, 2)), keras.Input((6, 3))
        v = layers.ZeroPadding3D((1, (0, 1), 1))(volume)
        v = layers.Conv3D(3, 3, strides=(1, 2, 1), activation="relu")(v)
        v = layers.SpatialDropout3D(0.2)(v)
        v = layers.UpSampling3D((1, 2, 1))(v)
        v = layers.Cropping3D(((0, 1), 1, (1, 0)))(v)
        v = layers.MaxPooling3D((1, 2, 2), padding="same")(v)
        v = layers.AveragePooling3D(2, strides=1, padding="same")(v)
        pooled = layers.Concatenate()([layers.GlobalMaxPooling3D()(v), layers.GlobalAveragePooling3D()(v)])
        s = layers.Cropping1D((2, 1))(layers.UpSampling1D(2)(layers.ZeroPadding1D((1, 2))(sequence)))
        s = layers.GlobalAveragePooling1D()(layers.Conv1D(3, 3)(s))
        model = keras.Model([volume, sequence], layers.Dense(2)(layers.Concatenate()([pooled, s])), name="volumes")
        return model, [rng.standard_normal((2, 4, 6, 6, 2)).astype("float32"),
                       rng.standard_normal((2, 6, 3)).astype("float32")]

    builders = dict(zip(NAMES, (sequential_mlp, functional_multi_io, cnn, lstm, batchnorm_trained, adam_resume,
                                subclassed, lambda_layer, zoo, functional_ops, volumes)))
    return types.SimpleNamespace(ScaledDense=ScaledDense, TwoBlocks=TwoBlocks, builders=builders)


def build(keras, name):
    """(model, inputs, rng) of a case: the framework seeded with 1, data from a generator seeded with 11."""
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(11)
    model, inputs = cases_for(keras).builders[name](rng)
    return model, inputs, rng


def predict(model, inputs):
    """The model's outputs for the case's inputs, as a list of arrays."""
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def recorded_arrays(name, model, inputs, rng):
    """What is stored beside a saved case: inputs x_i, predictions y_i; for adam_resume one more training
    batch (next_x, next_y), the loss of training on it (next_loss) and the weights after (after_i).
    Call it after saving: the extra training step changes the model."""
    arrays = {f"x_{i}": x for i, x in enumerate(inputs)}
    arrays.update({f"y_{i}": y for i, y in enumerate(predict(model, inputs))})
    if name == "adam_resume":
        arrays["next_x"] = rng.standard_normal((8, 4)).astype("float32")
        arrays["next_y"] = rng.integers(0, 3, 8)
        arrays["next_loss"] = np.float32(model.train_on_batch(arrays["next_x"], arrays["next_y"])[0])
        arrays.update({f"after_{i}": w for i, w in enumerate(model.get_weights())})
    return arrays


def numbered(arrays, prefix):
    """arrays[prefix_0], arrays[prefix_1], ... in order."""
    keys = [k for k in arrays if k.startswith(prefix + "_") and k[len(prefix) + 1:].isdigit()]
    return [arrays[k] for k in sorted(keys, key=lambda k: int(k[len(prefix) + 1:]))]
