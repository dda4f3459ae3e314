"""`python -m gradfit`: a first GradientTape step."""
import gradfit as tf


def main():
    print(f"gradfit {tf.__version__}")
    tf.random.set_seed(0)
    w = tf.Variable(tf.random.normal((3, 2)), name="w")
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)))
    dw = tape.gradient(y, w)
    print("y = reduce_sum(relu(x @ w)) =", float(y))
    print("dy/dw =")
    print(dw.numpy())


if __name__ == "__main__":
    main()
