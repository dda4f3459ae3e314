"""A Keras-saved text model for tests/keras/test_text_preprocessing.py.

Run with the peers' Python (TensorFlow/Keras installed):
    /work/peers/bin/python golden/make_text.py
Writes tests/fixtures/text/text_model.keras (an adapted TextVectorization, whose vocabulary Keras stores as an
asset file, then Embedding, pooling and Dense) and text_model.npz with its inputs and predictions.
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "text")
TEXTS = ["the cat sat", "a dog ran", "bird flew", "cat", "The Cat, the DOG!"]


def main():
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(1,), dtype="string")
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorize.adapt(["the cat sat", "the dog ran", "a bird flew"])
    x = keras.layers.Embedding(20, 4)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    data = tf.constant([[t] for t in TEXTS])
    os.makedirs(OUT, exist_ok=True)
    model.save(os.path.join(OUT, "text_model.keras"))
    np.savez(os.path.join(OUT, "text_model.npz"), texts=np.array(TEXTS), predictions=model.predict(data, verbose=0),
             vocabulary=np.array(vectorize.get_vocabulary()))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
