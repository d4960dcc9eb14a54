"""Capas de PyTorch con los mismos pesos que las del motor, para comparar en las pruebas.

Solo lo importan pruebas que ya comprobaron que torch está instalado.
"""

import torch


def torch_multihead_attention(mha, key_features, value_features):
    """``torch.nn.MultiheadAttention`` (float64) con los pesos de ``nn.MultiHeadAttention`` de Keras.

    Keras guarda W con forma (entradas, salidas) y PyTorch la traspuesta; PyTorch junta las tres
    proyecciones en ``in_proj_weight`` cuando query, key y value tienen el mismo tamaño.
    """
    model_dim = mha.params["Wo"].shape[1]
    net = torch.nn.MultiheadAttention(model_dim, mha.num_heads, batch_first=True, dtype=torch.float64,
                                      kdim=key_features, vdim=value_features)
    P = {name: torch.tensor(value) for name, value in mha.params.items()}
    with torch.no_grad():
        if net._qkv_same_embed_dim:
            net.in_proj_weight.copy_(torch.cat([P["Wq"].T, P["Wk"].T, P["Wv"].T]))
        else:
            net.q_proj_weight.copy_(P["Wq"].T)
            net.k_proj_weight.copy_(P["Wk"].T)
            net.v_proj_weight.copy_(P["Wv"].T)
        net.in_proj_bias.copy_(torch.cat([P["bq"], P["bk"], P["bv"]]))
        net.out_proj.weight.copy_(P["Wo"].T)
        net.out_proj.bias.copy_(P["bo"])
    return net
