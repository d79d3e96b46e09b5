module example.com/kubernaut-we

go 1.22
