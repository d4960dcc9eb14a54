"""La superficie de Keras en course_lib.nn: espacios de nombres, utilidades y los nombres que faltan.

La comparación número a número con Keras está en tests/keras_compat; aquí, lo que solo tiene
course_lib: los errores en español, el dibujo del modelo y los casos límite de las utilidades.
"""

import numpy as np
import pytest

from course_lib import nn as keras
from course_lib.nn import keras_api, missing
from course_lib.nn.validation import CourseError


# ----------------------------------------------------------------------------- nombres que faltan
@pytest.mark.parametrize("expresion, trozos", [
    ("keras.datasets", ["keras.datasets es parte de Keras", "course_lib.data", "load_mnist"]),
    ("keras.applications", ["redes preentrenadas", "trainable = False"]),
    ("keras.layers.Conv3D", ["keras.layers.Conv3D es parte de Keras", "Conv1D", "Conv2D"]),
    ("keras.layers.Lambda", ["subclase de keras.layers.Layer"]),
    ("keras.callbacks.TensorBoard", ["History"]),
    ("keras.utils.get_file", ["no descarga"]),
    ("keras.losses.Circle", ["Las pérdidas que tiene", "MeanSquaredError"]),
    ("keras.ops.fft", ["keras.ops.fft es parte de Keras", "NumPy"]),
])
def test_un_nombre_de_keras_que_falta_dice_que_usar(expresion, trozos):
    with pytest.raises(missing.MissingKerasFeature) as info:
        eval(expresion)  # noqa: S307 - expresiones fijas de la prueba
    mensaje = str(info.value)
    for trozo in trozos:
        assert trozo in mensaje
    assert "Quisiste decir" not in mensaje  # un nombre de Keras nunca es una «errata»


@pytest.mark.parametrize("expresion, sugerencia", [
    ("keras.layers.Dnse", "Dense"),
    ("keras.layers.dense", "Dense"),
    ("keras.optimizers.Adamm", "Adam"),
    ("keras.utils.pad_sequence", "pad_sequences"),
    ("keras.lyers", "layers"),
])
def test_una_errata_recibe_una_sugerencia(expresion, sugerencia):
    with pytest.raises(missing.MissingKerasFeature, match=f"errata.*¿Quisiste decir '{sugerencia}'"):
        eval(expresion)  # noqa: S307


def test_el_error_es_attributeerror_y_hasattr_funciona():
    assert not hasattr(keras, "datasets")
    assert not hasattr(keras.layers, "Conv3D")
    assert hasattr(keras.layers, "Dense")
    with pytest.raises(AttributeError):
        keras.layers.Conv3D


def test_los_nombres_internos_dan_el_error_normal():
    """Python y Jupyter preguntan por __path__, _repr_html_…: un AttributeError corriente, sin consejos."""
    with pytest.raises(AttributeError) as info:
        keras.layers.__wrapped__
    assert not isinstance(info.value, missing.MissingKerasFeature)


def test_keras_api_es_una_lista_de_keras_3():
    assert keras_api.KERAS_API["version"].startswith("3.")
    assert "Conv3D" in keras_api.KERAS_API["modules"]["layers"]
    assert "softplus" in keras_api.KERAS_API["identifiers"]["activations"]
    assert "mae" in keras_api.KERAS_API["identifiers"]["losses"]
    assert missing.is_keras_identifier("Huber") and not missing.is_keras_identifier("mse2")


@pytest.mark.parametrize("modulo", ["", "layers", "models", "utils", "ops", "losses", "metrics", "optimizers",
                                    "callbacks", "activations", "initializers", "regularizers", "backend",
                                    "preprocessing", "optimizers.schedules"])
def test_cada_espacio_de_nombres_responde_en_espanol(modulo):
    objeto = keras
    for parte in filter(None, modulo.split(".")):
        objeto = getattr(objeto, parte)
    with pytest.raises(missing.MissingKerasFeature, match="no tiene|no lo tiene"):
        objeto.UnNombreQueNoExiste


def test_lo_que_dice_course_lib_que_tiene_existe():
    """Los nombres que el error lista como «lo que tiene» se pueden usar de verdad."""
    for modulo, ruta in [(keras.layers, "layers"), (keras.utils, "utils"), (keras.optimizers, "optimizers"),
                         (keras.ops, "ops")]:
        for nombre in missing.offered(modulo, ruta):
            assert getattr(modulo, nombre) is not None


# ----------------------------------------------------------------------------- utils
def test_to_categorical_de_keras_con_varias_formas():
    assert keras.utils.to_categorical([0, 2, 1], num_classes=3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert keras.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    assert keras.utils.to_categorical(np.array([[1, 2], [0, 1]])).shape == (2, 2, 3)
    with pytest.raises(CourseError, match="enteros no negativos"):
        keras.utils.to_categorical([0.5, 1])


def test_pad_sequences_rellena_y_recorta_como_keras():
    seqs = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], []]
    assert keras.utils.pad_sequences(seqs, maxlen=4).tolist() == [[0, 1, 2, 3], [0, 0, 4, 5], [7, 8, 9, 10],
                                                                  [0, 0, 0, 0]]
    assert keras.utils.pad_sequences(seqs, maxlen=4, padding="post", truncating="post").tolist() == [
        [1, 2, 3, 0], [4, 5, 0, 0], [6, 7, 8, 9], [0, 0, 0, 0]]
    assert keras.utils.pad_sequences(seqs).shape == (4, 5)
    assert keras.utils.pad_sequences(seqs).dtype == np.int32
    vectores = keras.utils.pad_sequences([np.ones((2, 3)), np.ones((1, 3))])
    assert vectores.shape == (2, 2, 3)
    assert keras.preprocessing.sequence.pad_sequences is keras.utils.pad_sequences


@pytest.mark.parametrize("llamada, mensaje", [
    (lambda: keras.utils.pad_sequences([[1, 2]], padding="delante"), "'pre'"),
    (lambda: keras.utils.pad_sequences([1, 2, 3]), "pásala dentro de una lista"),
    (lambda: keras.utils.pad_sequences("hola"), "lista de secuencias"),
    (lambda: keras.utils.pad_sequences([[1]], maxlen=0), "maxlen"),
    (lambda: keras.utils.pad_sequences([[1]], value="x"), "dtype=object"),
])
def test_pad_sequences_errores_en_espanol(llamada, mensaje):
    with pytest.raises(CourseError, match=mensaje):
        llamada()


def test_set_random_seed_fija_el_motor_y_numpy():
    keras.utils.set_random_seed(3)
    a = (keras.rng().normal(size=3), np.random.rand(2))
    keras.utils.set_random_seed(3)
    b = (keras.rng().normal(size=3), np.random.rand(2))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    with pytest.raises(CourseError, match="entero no negativo"):
        keras.utils.set_random_seed(-1)


def test_normalize():
    resultado = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(resultado, [[0.6, 0.8], [0.0, 0.0]])


def test_clear_session_reinicia_los_nombres():
    keras.layers.Dense(1)
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    keras.utils.clear_session()
    assert keras.layers.Dense(1).name == "dense"


def test_backend_y_config():
    assert keras.backend.floatx() == keras.config.floatx() == "float32"
    assert keras.backend.epsilon() == 1e-7
    assert keras.backend.image_data_format() == "channels_last"
    assert keras.backend.backend() == "numpy"


def test_regularizadores_en_minuscula():
    w = np.array([[1.0, -2.0]])
    assert keras.regularizers.l2(0.1)(w) == pytest.approx(0.5)
    assert keras.regularizers.l1(0.1)(w) == pytest.approx(0.3)
    assert keras.regularizers.l1_l2(l1=0.1, l2=0.1)(w) == pytest.approx(0.8)


def test_models_es_el_mismo_modelo():
    assert keras.models.Sequential is keras.Sequential
    assert keras.models.Model is keras.Model
    assert keras.models.load_model is keras.load_model


# ----------------------------------------------------------------------------- plot_model
def _modelo_con_rama():
    x = keras.Input(shape=(3,))
    a = keras.layers.Dense(4)(x)
    b = keras.layers.Dense(4)(x)
    return keras.Model(x, keras.layers.Dense(1)(keras.layers.Add()([a, b])))


def test_plot_model_escribe_una_imagen(tmp_path):
    from PIL import Image

    proporcion = {}
    for rankdir in ("TB", "LR"):
        ruta = tmp_path / f"modelo_{rankdir}.png"
        resultado = keras.utils.plot_model(_modelo_con_rama(), to_file=str(ruta), show_shapes=True,
                                           show_layer_names=True, rankdir=rankdir, dpi=50)
        assert resultado is None  # fuera de un cuaderno no hay imagen que mostrar
        with Image.open(ruta) as imagen:
            ancho, alto = imagen.size
        proporcion[rankdir] = ancho / alto
    # Cuatro niveles y como mucho dos capas por nivel: en horizontal la imagen es mucho más ancha.
    assert proporcion["LR"] > 2 * proporcion["TB"]


def test_plot_model_de_una_pila(tmp_path):
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(2)])
    keras.utils.plot_model(model, to_file=str(tmp_path / "pila.png"), dpi=50)
    assert (tmp_path / "pila.png").stat().st_size > 0


def test_plot_model_errores(tmp_path):
    with pytest.raises(CourseError, match="rankdir"):
        keras.utils.plot_model(_modelo_con_rama(), to_file=str(tmp_path / "m.png"), rankdir="BT")
    with pytest.raises(CourseError, match="no existe"):
        keras.utils.plot_model(_modelo_con_rama(), to_file=str(tmp_path / "no" / "m.png"))


# ----------------------------------------------------------------------------- ops
def test_ops_sobre_arrays_son_las_de_numpy():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(keras.ops.mean(x, axis=1), [1, 4])
    np.testing.assert_allclose(keras.ops.softmax(x).sum(axis=-1), [1, 1])
    assert keras.ops.shape(x) == (2, 3)
    assert keras.ops.convert_to_tensor([0.5, 1.5]).dtype == np.float32
    valores, indices = keras.ops.top_k(x, 2)
    assert indices.tolist() == [[2, 1], [2, 1]] and valores.tolist() == [[2, 1], [5, 4]]
    np.testing.assert_allclose(keras.ops.logsumexp(np.array([1000.0, 1000.0])), 1000 + np.log(2))


def test_ops_errores_en_espanol():
    with pytest.raises(CourseError, match="enteros"):
        keras.ops.one_hot(np.array([0.5, 1.0]), 3)
    with pytest.raises(CourseError, match="top_k"):
        keras.ops.top_k(np.ones((2, 3)), 4)


# ----------------------------------------------------------------------------- sugerencias que no engañan
def test_un_nombre_de_keras_no_se_corrige_a_otro_parecido():
    from course_lib.nn.validation import closest

    assert closest("mae", ["mse", "binary_crossentropy"]) is None
    assert closest("softplus", ["softmax", "relu"]) is None
    assert closest("rleu", ["relu", "tanh"]) == "relu"


@pytest.mark.parametrize("modulo, tabla", [("losses", "LOSSES"), ("activations", "ACTIVATIONS"),
                                           ("optimizers", "OPTIMIZERS"), ("initializers", "INITIALIZERS")])
def test_get_de_un_nombre_de_keras_que_falta(modulo, tabla):
    """Un nombre que Keras acepta y course_lib aún no tiene: el error lo dice y no sugiere otro parecido."""
    tenemos = {n.lower() for n in getattr(getattr(keras, modulo), tabla)}
    faltan = sorted(set(keras_api.KERAS_API["identifiers"][modulo]) - tenemos - {"optimizer", "initializer"})
    if not faltan:
        pytest.skip(f"course_lib ya tiene todos los nombres de keras.{modulo}")
    with pytest.raises(CourseError) as info:
        getattr(keras, modulo).get(faltan[0])
    assert "Es un nombre de Keras, pero course_lib no lo tiene" in str(info.value)
    assert "Quisiste decir" not in str(info.value)


# ----------------------------------------------------------------------------- random
def test_random_reproducible_con_semilla():
    r = keras.random
    assert r.normal((3, 2), seed=5).shape == (3, 2) and r.normal((3, 2), seed=5).dtype == np.float32
    np.testing.assert_array_equal(r.uniform((4,), seed=1), r.uniform((4,), seed=1))
    keras.utils.set_random_seed(2)
    a = r.normal((5,))
    keras.utils.set_random_seed(2)
    np.testing.assert_array_equal(a, r.normal((5,)))
    assert np.abs(r.truncated_normal((1000,), seed=0)).max() <= 2
    assert sorted(r.shuffle(np.arange(6), seed=3)) == list(range(6))
    assert r.randint((10,), 0, 3, seed=0).max() < 3


def test_random_categorical_sigue_las_probabilidades():
    logits = np.log(np.array([[0.7, 0.2, 0.1], [0.0001, 0.0001, 0.9998]]))
    muestras = keras.random.categorical(logits, 4000, seed=0)
    assert muestras.shape == (2, 4000)
    frecuencias = np.bincount(muestras[0], minlength=3) / 4000
    np.testing.assert_allclose(frecuencias, [0.7, 0.2, 0.1], atol=0.03)
    assert (muestras[1] == 2).mean() > 0.99


def test_random_dropout_conserva_la_media():
    x = np.ones((200, 50), dtype="float32")
    y = keras.random.dropout(x, 0.5, seed=0)
    assert set(np.unique(y)) == {0.0, 2.0}
    assert abs(y.mean() - 1) < 0.05
    with pytest.raises(CourseError, match="shape"):
        keras.random.normal((None, 3))


def test_saving_tiene_el_cargador_de_keras():
    assert keras.saving.load_model is keras.models.load_model
    assert keras.saving.save_model is keras.models.save_model
    with pytest.raises(missing.MissingKerasFeature, match="Lo que tiene: load_model, save_model"):
        keras.saving.load_weights


def test_los_consejos_son_de_nombres_que_faltan_de_verdad():
    """Un consejo para algo que course_lib ya tiene no se vería nunca y engañaría a quien lo lea."""
    for key in missing.ADVICE:
        if "." not in key or key.split(".")[0] in ("Model", "Layer"):
            continue
        module_path, name = key.rsplit(".", 1)
        module = keras
        for part in module_path.split("."):
            module = getattr(module, part)
        assert name not in vars(module), f"{key} tiene consejo en missing.ADVICE, pero course_lib ya lo tiene"
