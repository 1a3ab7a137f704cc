"""One normalisation: extract.normalize folds for the extractor, the knowledge base and the evaluation;
the Datasette plugin, shipped alone by `datasette publish --plugins-dir kb/plugins`, keeps a copy that
must fold exactly the same way."""
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import normalize
from kb import fold as kb_fold
from kb.plugins import thidua_kb

VIETNAMESE = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ"
                                                   "ìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠĐỨỪ-,.0123456789\n")),
                     max_size=80)


@settings(max_examples=200, deadline=None)
@given(VIETNAMESE)
def test_the_plugin_and_the_knowledge_base_fold_as_the_extractor(text):
    assert thidua_kb.fold(text) == normalize.fold(text) == kb_fold.fold(text)


@settings(max_examples=200, deadline=None)
@given(VIETNAMESE)
def test_the_length_keeping_fold_agrees_with_fold_on_vietnamese(text):
    assert normalize.fold_keep_length(text) == normalize.fold(text)
    assert len(normalize.fold_keep_length(text)) == len(text)


def test_keys():
    assert normalize.fold("Đồng Tháp, Hoà Bình") == "dong thap, hoa binh"
    assert normalize.fold_key("Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert normalize.nfc("  Viện  kiểm sát ") == "Viện kiểm sát" and normalize.nfc(None) is None
    assert kb_fold.fold(None) is None
